"""``python -m lifecase_lifecycle``: the lifecycle service as its own process, configured from
``LIFECASE_*`` environment variables. ``--seed`` publishes the catalogue templates."""

from __future__ import annotations

from lifecase_lifecycle.bootstrap import NAME, build
from lifecase_lifecycle.settings import LifecycleSettings
from lifecase_platform.serve import parse_options, serve


def main() -> None:
    options = parse_options(NAME, seedable=True)
    service = build(LifecycleSettings())
    serve(service, options, seed=service.seed)


if __name__ == "__main__":
    main()
