"""``python -m lifecase_intake``: the intake service as its own process, configured from
``LIFECASE_*`` environment variables."""

from __future__ import annotations

from lifecase_intake.bootstrap import NAME, build
from lifecase_intake.settings import IntakeSettings
from lifecase_platform.serve import parse_options, serve


def main() -> None:
    options = parse_options(NAME)
    serve(build(IntakeSettings()), options)


if __name__ == "__main__":
    main()
