"""``make faults``: the same flow of hiring cases through each fault, mid-flow, with cases in
every stage; prints a table and JSON (lost, duplicated, time to heal, operator needed).
Embedded faults run against ``lifecase run``; cluster faults against ``lifecase cluster``
(the multi-node topology). The PostgreSQL fault restarts the local PostgreSQL server: do not
run it beside other work that uses that server (such as ``make test``).

    python -m tests.faults [--cases 100] [--json results.json] [--only nats-server ...]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.faults.cluster import ClusterTarget, restart_postgres
from tests.faults.driver import Outcome, run_fault, table
from tests.faults.embedded import EmbeddedTarget

Fault = Callable[[EmbeddedTarget], Awaitable[None]]
ClusterFault = Callable[[ClusterTarget], Awaitable[None]]


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


async def kill_replicas(target: ClusterTarget) -> None:
    """kill -9 of replica 1 of every service; the runner starts them again (as systemd would)
    while replica 2 carries on."""
    target.kill_one_replica_of_each_service()


async def kill_nats_node(target: ClusterTarget) -> None:
    """A NATS node leaves the cluster (kill -9); the stream has two more copies."""
    target.kill_nats_node(1)


async def restart_postgresql(_: ClusterTarget) -> None:
    await restart_postgres()


CLUSTER: dict[str, ClusterFault] = {
    "cluster: kill -9 one replica of each service": kill_replicas,
    "cluster: a NATS node leaves (kill -9)": kill_nats_node,
    "cluster: restart of PostgreSQL": restart_postgresql,
}


async def run_faults(
    target: Any, faults: dict[str, Any], names: list[str], cases: int
) -> list[Outcome]:
    """Start ``target``, run each named fault against it in turn, stop it."""
    outcomes = []
    await asyncio.to_thread(target.start)
    try:
        for name in names:
            fault = faults[name]
            sys.stderr.write(f"-- {name}: {cases} cases\n")
            inject = functools.partial(fault, target)
            outcome = await run_fault(target.base_url, name, inject, cases=cases)
            sys.stderr.write(table([outcome]).splitlines()[2] + "\n")
            outcomes.append(outcome)
    finally:
        await asyncio.to_thread(target.stop)
    return outcomes


async def run_all(names: list[str], cases: int, state: Path) -> list[Outcome]:
    outcomes = []
    embedded = [n for n in names if n in EMBEDDED]
    cluster = [n for n in names if n in CLUSTER]
    if embedded:
        outcomes += await run_faults(EmbeddedTarget(state / "embedded"), EMBEDDED, embedded, cases)
    if cluster:
        target = ClusterTarget(state / "cluster")
        try:
            outcomes += await run_faults(target, CLUSTER, cluster, cases)
        finally:
            await target.drop_databases()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(prog="make faults", description=__doc__)
    parser.add_argument("--cases", type=int, default=100, help="cases per fault")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--only", nargs="*", help="run only faults whose name contains this")
    options = parser.parse_args()
    wanted = [
        n for n in [*EMBEDDED, *CLUSTER] if not options.only or any(o in n for o in options.only)
    ]
    with tempfile.TemporaryDirectory(prefix="lifecase-faults-") as state:
        outcomes = asyncio.run(run_all(wanted, options.cases, Path(state)))
    results = {"faults": [o.as_dict() for o in outcomes]}
    sys.stdout.write(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(table(outcomes) + "\n")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
