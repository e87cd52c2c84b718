"""The system under benchmark in a process of its own, served over HTTP as ``make run`` serves
it: all four services on one gateway, on engines and databases the benchmark started.

    python -m bench.serve_system PORT CONFIG_JSON

``CONFIG_JSON`` holds the fields of ``lifecase_embedded.system.SystemConfig``. SIGTERM stops
it cleanly.
"""

from __future__ import annotations

import asyncio
import json
import sys

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform.logs import configure_logging
from lifecase_platform.serve import graceful_server


async def serve(port: int, config: SystemConfig) -> None:
    system = EmbeddedSystem(config)
    await system.start()
    try:
        await graceful_server(system.app, host="127.0.0.1", port=port).serve()
    finally:
        await system.stop()


def main(argv: list[str]) -> int:
    port, config = int(argv[0]), SystemConfig(**json.loads(argv[1]))
    configure_logging()  # as `make run` logs: JSON lines on stderr (the benchmark keeps a file)
    asyncio.run(serve(port, config))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
