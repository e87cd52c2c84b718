"""A pooled PostgreSQL connection that the server has closed (a restart, an administrator
terminating backends) is replaced before the next transaction uses it: the first request
after the restart does not fail."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from lifecase_platform.db import create_engine, session_factory
from tests.support import database_urls, wait_for


async def test_a_connection_the_server_closed_is_replaced_at_checkout(
    postgres_admin: str | None, tmp_path: Path
) -> None:
    if postgres_admin is None:
        pytest.skip("!!! PostgreSQL is not reachable: this PostgreSQL test did NOT run !!!")
    async with database_urls("postgresql", tmp_path, postgres_admin) as urls:
        engine = create_engine(urls["intake"])
        sessions = session_factory(engine)
        try:
            async with sessions() as session:
                first = await session.scalar(text("SELECT pg_backend_pid()"))
                raw = await (await session.connection()).get_raw_connection()
                driver = raw.driver_connection
            database = urls["intake"].rsplit("/", 1)[1]
            admin = await asyncpg.connect(postgres_admin)
            try:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    database,
                )
            finally:
                await admin.close()

            async def noticed() -> bool:
                # asyncpg sees the closed socket once the loop has read it
                return driver is not None and bool(driver.is_closed())

            await wait_for(noticed, timeout=10, what="the client to notice the closed socket")
            async with sessions() as session:
                second = await session.scalar(text("SELECT pg_backend_pid()"))
            assert second != first  # a new connection, and the statement went through
        finally:
            await engine.dispose()
