"""``python -m lifecase_routing``: the routing service as its own process, configured from
``LIFECASE_*`` environment variables. ``--seed`` loads the demo units, queues and
routing rules."""

from __future__ import annotations

from lifecase_platform.serve import parse_options, serve
from lifecase_routing.bootstrap import NAME, build
from lifecase_routing.settings import RoutingSettings


def main() -> None:
    options = parse_options(NAME, seedable=True)
    service = build(RoutingSettings())
    serve(service, options, seed=service.seed)


if __name__ == "__main__":
    main()
