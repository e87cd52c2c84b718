"""The small version of ``make faults``: under a real ``lifecase run``, kill -9 its nats-server
and then its Temporal dev server while cases flow. Each time ``/readyz`` must say 503 naming
the engine within 5 s, the runner must bring the engine back (ready again within 15 s), and
every case accepted before and during the fault must end with its sub-cases routed, none twice,
without anyone touching anything."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.faults.driver import run_fault
from tests.faults.embedded import EmbeddedTarget


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedTarget]:
    running = EmbeddedTarget(tmp_path_factory.mktemp("faults") / "state")
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize(("engine", "named"), [("nats-server", "nats"), ("temporal", "temporal")])
def test_a_killed_engine_is_reported_restarted_and_nothing_is_lost(
    target: EmbeddedTarget, engine: str, named: str
) -> None:
    live_while_down: list[int] = []

    async def inject() -> None:
        target.kill_engine(engine)
        async with httpx.AsyncClient(base_url=target.base_url, timeout=5) as http:
            for _ in range(50):  # up to 5 s: while /readyz says the engine is down ...
                if (await http.get("/readyz")).status_code == 503:
                    # ... the process is alive and recovers by itself: no restart wanted
                    live_while_down.append((await http.get("/livez")).status_code)
                    return
                await asyncio.sleep(0.1)

    outcome = asyncio.run(
        run_fault(target.base_url, f"kill -9 {engine}", inject, cases=6, timeout=120)
    )

    assert outcome.accepted == 6, outcome.notes
    assert outcome.not_ready_after_seconds is not None, "/readyz never said not ready"
    assert outcome.not_ready_after_seconds <= 5
    assert named in outcome.named_down
    assert outcome.healed_after_seconds is not None, "/readyz never said ready again"
    assert outcome.healed_after_seconds <= 15
    assert outcome.lost == 0
    assert outcome.duplicated == 0
    assert outcome.all_routed_after_seconds is not None
    assert live_while_down == [200]
    assert target.engine_pid(engine) > 0  # the runner's own restart, not ours
