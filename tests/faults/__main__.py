"""``make faults``: the same flow of hiring cases through each fault, mid-flow, with cases in
every stage; prints a table and JSON (lost, duplicated, time to heal, operator needed).

    python -m tests.faults [--cases 100] [--json results.json] [--only nats-server ...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.faults.driver import Outcome, run_fault, table
from tests.faults.embedded import EmbeddedTarget

Fault = Callable[[EmbeddedTarget], Awaitable[None]]


async def kill_whole_system(target: EmbeddedTarget) -> None:
    """kill -9 of the runner and its engines; then the platform (systemd's Restart=always)
    starts it again on the same state."""
    target.kill_all()
    await asyncio.to_thread(target.start)


async def kill_nats(target: EmbeddedTarget) -> None:
    target.kill_engine("nats-server")


async def kill_temporal(target: EmbeddedTarget) -> None:
    target.kill_engine("temporal")


EMBEDDED: dict[str, Fault] = {
    "embedded: kill -9 whole system": kill_whole_system,
    "embedded: kill -9 nats-server": kill_nats,
    "embedded: kill -9 temporal dev server": kill_temporal,
}


async def run_embedded(names: list[str], cases: int, state: Path) -> list[Outcome]:
    outcomes = []
    target = EmbeddedTarget(state / "embedded")
    await asyncio.to_thread(target.start)
    try:
        for name in names:
            fault = EMBEDDED[name]
            sys.stderr.write(f"-- {name}: {cases} cases\n")
            outcome = await run_fault(
                target.base_url,
                name,
                lambda f=fault: f(target),
                cases=cases,  # type: ignore[misc]
            )
            sys.stderr.write(table([outcome]).splitlines()[2] + "\n")
            outcomes.append(outcome)
    finally:
        await asyncio.to_thread(target.stop)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(prog="make faults", description=__doc__)
    parser.add_argument("--cases", type=int, default=100, help="cases per fault")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--only", nargs="*", help="run only faults whose name contains this")
    options = parser.parse_args()
    names = [n for n in EMBEDDED if not options.only or any(o in n for o in options.only)]
    with tempfile.TemporaryDirectory(prefix="lifecase-faults-") as state:
        outcomes = asyncio.run(run_embedded(names, options.cases, Path(state)))
    results = {"faults": [o.as_dict() for o in outcomes]}
    sys.stdout.write(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(table(outcomes) + "\n")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
