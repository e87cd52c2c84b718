"""SQLite for asyncio without a thread per connection.

``aiosqlite`` runs every call on a thread of its own and hands the result back to the event
loop. For the small statements of our event handlers that hand-over is what costs: about
0.16 ms of CPU per call against 0.01 ms for the statement itself, and SQLAlchemy makes
three or four calls per statement (cursor, execute, fetch, close). Most of a case's CPU in
the embedded mode went there.

``InlineConnection`` is an ``aiosqlite.Connection`` that makes the same calls on the event
loop's own thread. A call that finds the database locked by another connection does not
wait inside SQLite (that would block the loop, and with it the connection holding the
lock, if it lives in the same process): the connection's busy timeout is zero, and the call
is tried again after yielding to the loop, for up to ``busy_timeout_s`` (what SQLite's busy
timeout did before). The SQLAlchemy dialect is still ``sqlite+aiosqlite``; the engine gets
these connections through ``async_creator``.

What blocks the loop now is SQLite's own work: microseconds for the statements we run on
hot paths, longer for a large listing, which then holds back other work of the same
process for that long (with one connection per SQLite database, statements wait for each
other anyway).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import aiosqlite

# How long a statement waits for a lock held by another connection before it fails with
# "database is locked", and how often it looks again.
BUSY_TIMEOUT_S = 10.0
_FIRST_RETRY_S = 0.001
_MAX_RETRY_S = 0.05


def _busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _InlineQueue:
    """Stands in for aiosqlite's queue to its thread: runs each call at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An ``aiosqlite.Connection`` whose calls run on the event loop's thread."""

    def __init__(
        self,
        connector: Callable[[], sqlite3.Connection],
        *,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
    ) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _InlineQueue()  # type: ignore[assignment]
        self._busy_timeout_s = busy_timeout_s

    def __await__(self) -> Any:
        # No thread to start: connect at once.
        return self._connect().__await__()

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        deadline: float | None = None
        pause = _FIRST_RETRY_S
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
                now = time.monotonic()
                deadline = deadline or now + self._busy_timeout_s
                if now >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, _MAX_RETRY_S)


def connector(database: str, **kwargs: Any) -> Callable[[], sqlite3.Connection]:
    """Opens the file with SQLite's busy handler off (``InlineConnection`` waits instead).
    Any thread may use the connection: it is created on the loop's thread and stays there,
    but SQLAlchemy may close a connection it drops from another one."""

    def connect() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(
            database, timeout=0, check_same_thread=False, **kwargs
        )
        return connection

    return connect
