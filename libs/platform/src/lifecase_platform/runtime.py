"""What runs inside a service besides its HTTP API: connections and supervised background
loops (outbox relay, consumers, Temporal worker), started and stopped in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack

from nats.js import JetStreamContext

from lifecase_platform import db, messaging
from lifecase_platform.db import SessionFactory

log = logging.getLogger(__name__)


class Runtime:
    """Owns a service's resources (closed in reverse order) and its background loops."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stack = AsyncExitStack()
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.ready = False

    def spawn(
        self, name: str, loop: Callable[[], Awaitable[None]], restart_after: float = 1.0
    ) -> None:
        """Run ``loop`` until stopped; if it fails, log it and start it again."""

        async def supervise() -> None:
            while True:
                try:
                    await loop()
                    return
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception(
                        "background loop failed; restarting",
                        extra={"service": self.name, "loop": name},
                    )
                    await asyncio.sleep(restart_after)

        self.tasks[name] = asyncio.create_task(supervise(), name=f"{self.name}:{name}")

    async def stop_task(self, name: str) -> None:
        task = self.tasks.pop(name, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def aclose(self) -> None:
        self.ready = False
        for name in list(self.tasks):
            await self.stop_task(name)
        await self.stack.aclose()


async def open_connections(
    runtime: Runtime, *, database_url: str, nats_url: str
) -> tuple[SessionFactory, JetStreamContext]:
    """A service's database sessions and JetStream context, closed with the runtime."""
    engine = db.create_engine(database_url)
    runtime.stack.push_async_callback(engine.dispose)
    nc = await messaging.connect(nats_url, name=f"lifecase-{runtime.name}")
    runtime.stack.push_async_callback(nc.close)
    js = nc.jetstream()
    await messaging.ensure_stream(js)
    return db.session_factory(engine), js
