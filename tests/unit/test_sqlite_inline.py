"""SQLite on the event loop's thread: a statement that finds the database locked by another
connection waits without blocking the loop, goes on once the lock is gone, and fails with
SQLite's own error when it stays locked past the timeout."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

import lifecase_platform.db as db
from lifecase_platform.sqlite_inline import InlineConnection, connector


async def _open(path: Path, busy_timeout_s: float = 5.0) -> InlineConnection:
    connection: InlineConnection = await InlineConnection(
        connector(str(path)), busy_timeout_s=busy_timeout_s
    )
    return connection


async def test_a_locked_database_is_waited_for_while_the_loop_runs_on(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    holder, waiter = await _open(path), await _open(path)
    await holder.execute("PRAGMA journal_mode=WAL")
    await holder.execute("CREATE TABLE t (n INTEGER)")
    await holder.commit()
    await holder.execute("BEGIN IMMEDIATE")  # holds the write lock
    await holder.execute("INSERT INTO t VALUES (1)")

    ticks = 0
    loop_ran = asyncio.Event()

    async def loop_runs() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            if ticks >= 20:
                loop_ran.set()
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(loop_runs())
    write = asyncio.create_task(waiter.execute("INSERT INTO t VALUES (2)"))
    # The loop keeps running while the write waits: other tasks get their turns ...
    await asyncio.wait_for(loop_ran.wait(), timeout=5)
    # ... and the write is still waiting for the lock.
    assert not write.done(), "the write did not wait for the lock"
    await holder.commit()
    await asyncio.wait_for(write, timeout=5)
    await waiter.commit()
    ticking.cancel()

    cursor = await holder.execute("SELECT n FROM t ORDER BY n")
    assert [row[0] for row in await cursor.fetchall()] == [1, 2]
    await holder.close()
    await waiter.close()


async def test_a_lock_held_past_the_timeout_fails_with_sqlites_error(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    holder, waiter = await _open(path), await _open(path, busy_timeout_s=0.2)
    await holder.execute("CREATE TABLE t (n INTEGER)")
    await holder.commit()
    await holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await waiter.execute("INSERT INTO t VALUES (2)")
    await holder.rollback()
    await holder.close()
    await waiter.close()


async def test_the_engine_runs_statements_and_closes_cleanly(tmp_path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'e.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n INTEGER)"))
        await connection.execute(text("INSERT INTO t VALUES (:n)"), [{"n": 1}, {"n": 2}])
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT sum(n) FROM t"))).scalar() == 3
        mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        assert mode == "wal"
    await engine.dispose()
