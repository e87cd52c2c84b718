"""A background loop that will not stop is reported with where it is stuck."""

from __future__ import annotations

import asyncio

import pytest

from lifecase_platform.runtime import Runtime

entered = asyncio.Event()
released = asyncio.Event()


async def _stubborn() -> None:
    entered.set()
    while not released.is_set():
        try:
            await released.wait()
        except asyncio.CancelledError:
            continue  # ignores cancels, like a stuck SDK call would


async def test_a_loop_that_does_not_stop_is_named_with_where_it_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = Runtime("test")
    runtime.spawn("stubborn", _stubborn, stop_timeout=0.2)
    task = runtime.tasks["stubborn"]
    await asyncio.wait_for(entered.wait(), timeout=5)
    await runtime.stop_task("stubborn")
    released.set()
    await asyncio.wait_for(task, timeout=5)
    [record] = [
        r for r in caplog.records if r.getMessage() == "background loop did not stop in time"
    ]
    assert record.loop == "stubborn"  # type: ignore[attr-defined]
    stuck_in = record.stuck_in  # type: ignore[attr-defined]
    assert any("_stubborn" in frame for frame in stuck_in)
    assert any("Event.wait" in frame for frame in stuck_in)
