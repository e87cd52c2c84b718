"""The multi-node topology as ``make run-cluster`` starts it: a three-node NATS JetStream
cluster keeping the event stream in three copies, PostgreSQL, and two replicas of every
service behind one base URL. Cases filed through the base URL are all routed, none twice, and
both replicas of routing and of lifecycle did part of the work."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from lifecase_contracts.events import STREAM_NAME
from lifecase_embedded.cluster import POSTGRES_ADMIN_URL, ensure_postgres
from tests.faults.cluster import ClusterTarget
from tests.faults.driver import run_fault


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterTarget]:
    try:
        asyncio.run(ensure_postgres(POSTGRES_ADMIN_URL))
    except RuntimeError as missing:
        pytest.skip(f"!!! no PostgreSQL, so the cluster test did NOT run: {missing} !!!")
    target = ClusterTarget(tmp_path_factory.mktemp("cluster") / "state")
    try:
        target.start()
        yield target
    finally:
        target.stop()
        asyncio.run(target.drop_databases())


def _handled(log: Path) -> int:
    """Events this replica handled, from its "events handled" lines (one per batch)."""
    lines = [
        json.loads(line) for line in log.read_text().splitlines() if '"events handled"' in line
    ]
    return sum(line["count"] for line in lines)


def test_replicas_share_the_work_and_nothing_is_done_twice(cluster: ClusterTarget) -> None:
    async def nothing() -> None:
        return None

    outcome = asyncio.run(run_fault(cluster.base_url, "none", nothing, cases=12, timeout=180))

    assert outcome.accepted == 12, outcome.notes
    assert outcome.lost == 0
    assert outcome.duplicated == 0
    logs = Path(cluster.description()["logs"])
    for service in ("routing", "lifecycle"):
        for replica in (1, 2):
            assert _handled(logs / f"{service}-{replica}.log") > 0, f"{service}-{replica} idle"


def test_the_event_stream_is_kept_in_three_copies(cluster: ClusterTarget) -> None:
    async def stream_replicas() -> tuple[int, int]:
        nc = await nats.connect(servers=cluster.description()["nats"])
        try:
            info = await nc.jetstream().stream_info(STREAM_NAME)
        finally:
            await nc.close()
        assert info.cluster is not None
        return info.config.num_replicas or 1, 1 + len(info.cluster.replicas or [])

    configured, placed = asyncio.run(stream_replicas())
    assert configured == 3
    assert placed == 3
