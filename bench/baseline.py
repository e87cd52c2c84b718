"""The baseline: a bare Temporal workflow that fans out to no-op activities in parallel.

Kept apart from the entrypoint because the workflow sandbox re-imports this module.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow

ACTIVITY_TIMEOUT = timedelta(seconds=30)


@dataclass(frozen=True)
class FanOutInput:
    activities: int = 5


@dataclass(frozen=True)
class NoopInput:
    index: int


@activity.defn(name="bench_noop")
async def noop(input: NoopInput) -> int:
    """Does nothing, so the measurement is Temporal's own cost per activity."""
    return input.index


@workflow.defn(name="BenchFanOut")
class FanOutWorkflow:
    """Runs ``activities`` no-op activities in parallel, like a case opening its sub-cases."""

    @workflow.run
    async def run(self, input: FanOutInput) -> int:
        done = await asyncio.gather(
            *(
                workflow.execute_activity(
                    noop, NoopInput(index=i), start_to_close_timeout=ACTIVITY_TIMEOUT
                )
                for i in range(input.activities)
            )
        )
        return len(done)
