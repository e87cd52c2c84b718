"""``python -m lifecase_insight``: the insight service as its own process, configured from
``LIFECASE_*`` environment variables."""

from __future__ import annotations

from lifecase_insight.bootstrap import NAME, build
from lifecase_insight.settings import InsightSettings
from lifecase_platform.serve import parse_options, serve


def main() -> None:
    options = parse_options(NAME)
    serve(build(InsightSettings()), options)


if __name__ == "__main__":
    main()
