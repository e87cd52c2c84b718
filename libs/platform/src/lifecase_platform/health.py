"""Readiness that tells the truth: each service names the dependencies it cannot work without
(database, NATS and its stream, Temporal) and ``/readyz`` probes them while it is asked.

A probe is a coroutine that returns when the dependency answers and raises when it does not.
Probes run concurrently, each bounded by ``PROBE_TIMEOUT_SECONDS``, and one answer serves every
asker for ``CACHE_SECONDS``, so a busy load balancer cannot turn readiness into load."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from lifecase_contracts.events import STREAM_NAME

Probe = Callable[[], Awaitable[None]]

PROBE_TIMEOUT_SECONDS = 2.0
CACHE_SECONDS = 0.5
OK = "ok"


class Readiness:
    """The probes of one service and their last answer."""

    def __init__(self) -> None:
        self.probes: dict[str, Probe] = {}
        self.started = False
        self._answer: dict[str, str] | None = None
        self._answered_at = 0.0
        self._lock = asyncio.Lock()

    def add(self, name: str, probe: Probe) -> None:
        self.probes[name] = probe

    async def check(self) -> dict[str, str]:
        """Each dependency's state: ``"ok"`` or why it is down. Before the service has
        started, only ``{"service": "starting"}``."""
        if not self.started:
            return {"service": "starting"}
        loop = asyncio.get_running_loop()
        async with self._lock:
            if self._answer is None or loop.time() - self._answered_at > CACHE_SECONDS:
                names = list(self.probes)
                results = await asyncio.gather(*(_run(self.probes[n]) for n in names))
                self._answer = dict(zip(names, results, strict=True))
                self._answered_at = loop.time()
            return dict(self._answer)


def down(checks: dict[str, str]) -> list[str]:
    """The names of the dependencies that are not ok."""
    return sorted(name for name, state in checks.items() if state != OK)


async def _run(probe: Probe) -> str:
    try:
        await asyncio.wait_for(probe(), timeout=PROBE_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"down: no answer within {PROBE_TIMEOUT_SECONDS:.0f} s"
    except Exception as error:  # a probe reports any failure as "down", never raises
        return f"down: {type(error).__name__}"
    return OK


def database_probe(engine: AsyncEngine) -> Probe:
    async def probe() -> None:
        pool = engine.pool
        if (
            isinstance(pool, QueuePool)
            and pool.checkedin() == 0
            and pool.overflow() >= getattr(pool, "_max_overflow", 0)
        ):
            # No connection is free (SQLite has one): the database is busy answering someone.
            # Waiting for a turn would report a busy database as down.
            return
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return probe


class NotConnected(Exception):
    """The client has no connection to its server (it is reconnecting)."""


def nats_probe(nc: NATS, js: JetStreamContext) -> Probe:
    """Connected, and the event stream answers (JetStream is up, not only the socket)."""

    async def probe() -> None:
        if not nc.is_connected:
            raise NotConnected
        await js.stream_info(STREAM_NAME)

    return probe


def temporal_probe(client: Any) -> Probe:
    """The Temporal frontend answers its health check (``client``: a ``temporalio`` Client)."""

    async def probe() -> None:
        serving = await client.service_client.check_health(timeout=timedelta(seconds=1))
        if not serving:
            raise NotConnected

    return probe
