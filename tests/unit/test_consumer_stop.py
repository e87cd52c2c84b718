"""A consumer stops when cancelled, even if a library swallows the cancellation (Python
3.11's ``asyncio.wait_for`` can, when its result races the cancel)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from lifecase_platform.messaging import BatchConsumer, Inbox


class SwallowingSubscription:
    def __init__(self) -> None:
        self.fetching = asyncio.Event()

    async def fetch(self, batch: int, timeout: float) -> list[Any]:
        self.fetching.set()
        with contextlib.suppress(asyncio.CancelledError):  # what a racing wait_for does
            await asyncio.sleep(timeout)
        return []


async def test_a_consumer_stops_even_when_a_fetch_swallows_the_cancellation() -> None:
    inbox = Inbox(sessions=None, consumer="test")  # type: ignore[arg-type]
    consumer = BatchConsumer(js=None, durable="test", inbox=inbox, handlers={})  # type: ignore[arg-type]

    subscription = SwallowingSubscription()

    async def setup() -> SwallowingSubscription:
        return subscription

    consumer.setup = setup  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(consumer.run())
    await asyncio.wait_for(subscription.fetching.wait(), timeout=3)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=3)
    assert done, "the consumer ignored its cancellation and kept fetching"
    assert task.cancelled()
