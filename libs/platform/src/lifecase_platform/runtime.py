"""What runs inside a service besides its HTTP API: connections and supervised background
loops (outbox relay, consumers, Temporal worker), started and stopped in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nats.js import JetStreamContext

from lifecase_platform import db, messaging
from lifecase_platform.db import SessionFactory
from lifecase_platform.health import Readiness, database_probe, nats_probe
from lifecase_platform.settings import PlatformSettings
from lifecase_platform.tasks import stopping
from lifecase_platform.transport import nats_options

log = logging.getLogger(__name__)

# Below the 10 s a container orchestrator grants between SIGTERM and SIGKILL.
STOP_TIMEOUT_SECONDS = 8.0


class Runtime:
    """Owns a service's resources (closed in reverse order) and its background loops."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.closers: list[tuple[str, Callable[[], Awaitable[object]]]] = []
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.stop_timeouts: dict[str, float] = {}
        self.readiness = Readiness()

    @property
    def ready(self) -> bool:
        """Whether the service has started (its dependencies are probed by ``readiness``)."""
        return self.readiness.started

    @ready.setter
    def ready(self, value: bool) -> None:
        self.readiness.started = value

    def spawn(
        self,
        name: str,
        loop: Callable[[], Awaitable[None]],
        restart_after: float = 1.0,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
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
                    if stopping():
                        raise asyncio.CancelledError from None
                    log.exception(
                        "background loop failed; restarting",
                        extra={"service": self.name, "loop": name},
                    )
                    await asyncio.sleep(restart_after)

        self.tasks[name] = asyncio.create_task(supervise(), name=f"{self.name}:{name}")
        self.stop_timeouts[name] = stop_timeout

    async def stop_task(self, name: str) -> None:
        """Cancel a background loop and wait for it, but never longer than its stop timeout."""
        task = self.tasks.pop(name, None)
        timeout = self.stop_timeouts.pop(name, STOP_TIMEOUT_SECONDS)
        if task is None:
            return
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            log.warning(
                "background loop did not stop in time",
                extra={
                    "service": self.name,
                    "loop": name,
                    "timeout": timeout,
                    "stuck_in": awaiting(task),
                },
            )
            return
        with contextlib.suppress(asyncio.CancelledError):
            task.result()

    async def aclose(self) -> None:
        """Stop the loops, then close the resources in reverse order; each step is bounded,
        so a stuck connection cannot keep the process from stopping."""
        self.ready = False
        for name in list(self.tasks):
            await self.stop_task(name)
        while self.closers:
            name, close = self.closers.pop()
            closing = asyncio.ensure_future(close())
            done, _ = await asyncio.wait({closing}, timeout=STOP_TIMEOUT_SECONDS)
            if not done:
                log.warning(
                    "resource did not close in time", extra={"service": self.name, "resource": name}
                )
                closing.cancel()
            elif closing.exception() is not None:
                log.warning(
                    "resource failed to close",
                    extra={
                        "service": self.name,
                        "resource": name,
                        "error": repr(closing.exception()),
                    },
                )

    def on_close(self, name: str, close: Callable[[], Awaitable[object]]) -> None:
        """Close ``name`` when the runtime stops (in reverse order of registration)."""
        self.closers.append((name, close))


def awaiting(task: asyncio.Task[None]) -> list[str]:
    """Where a task is suspended, outermost first: the chain of coroutines it awaits, down to
    the future nobody resolves. (``Task.get_stack`` shows only the outermost frame.)"""
    chain: list[str] = []
    current: Any = task.get_coro()
    while current is not None and len(chain) < 50:
        frame = getattr(current, "cr_frame", None) or getattr(current, "ag_frame", None)
        if frame is None:
            chain.append(repr(current))
            break
        chain.append(f"{frame.f_code.co_qualname} ({frame.f_code.co_filename}:{frame.f_lineno})")
        current = getattr(current, "cr_await", None) or getattr(current, "ag_await", None)
    return chain


async def open_connections(
    runtime: Runtime, *, database_url: str, settings: PlatformSettings, verifier: Any = None
) -> tuple[SessionFactory, JetStreamContext]:
    """A service's database sessions and JetStream context, closed with the runtime; with
    ``verifier`` (``auth.build_verifier``), the token revocations are followed too."""
    engine = db.create_engine(database_url)
    runtime.on_close("database", engine.dispose)
    runtime.readiness.add("database", database_probe(engine))
    nc = await messaging.connect(
        settings.nats_url, name=f"lifecase-{runtime.name}", **nats_options(settings)
    )
    runtime.on_close("nats", lambda: messaging.close(nc))
    js = nc.jetstream()
    runtime.readiness.add("nats", nats_probe(nc, js))
    await messaging.ensure_stream(
        js,
        max_age_seconds=settings.event_retention_days * 86_400,
        replicas=settings.nats_stream_replicas,
    )
    revocations = getattr(verifier, "revocations", None)
    if revocations is not None:
        ttl = float(settings.max_token_lifetime_seconds)
        runtime.spawn("revocations", lambda: revocations.watch(js, ttl_seconds=ttl))
    return db.session_factory(engine), js
