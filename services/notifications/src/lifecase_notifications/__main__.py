"""``python -m lifecase_notifications``: the notifications service as its own process,
configured from ``LIFECASE_*`` environment variables."""

from __future__ import annotations

from lifecase_notifications.bootstrap import NAME, build
from lifecase_notifications.settings import NotificationsSettings
from lifecase_platform.serve import parse_options, serve


def main() -> None:
    options = parse_options(NAME)
    serve(build(NotificationsSettings()), options)


if __name__ == "__main__":
    main()
