"""Small helpers for asyncio tasks."""

from __future__ import annotations

import asyncio


def stopping() -> bool:
    """Whether the current task is being cancelled. A driver interrupted mid-operation may
    raise an ordinary error in place of ``CancelledError``; such an error must not be taken
    for a failure to retry, or the task would never stop."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
