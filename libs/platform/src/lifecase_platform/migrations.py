"""The body of every service's Alembic ``env.py``: one way to run migrations, online, async."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from lifecase_platform.db import is_sqlite


def run_env(target_metadata: MetaData, version_table: str) -> None:
    """Apply migrations to the URL the caller placed in ``config.attributes``."""
    url: str = context.config.attributes["database_url"]

    def configure(connection: Connection) -> None:
        options: dict[str, Any] = {
            "connection": connection,
            "target_metadata": target_metadata,
            "version_table": version_table,
            "render_as_batch": is_sqlite(url),
            "compare_type": True,
        }
        context.configure(**options)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(configure)
        await engine.dispose()

    asyncio.run(run())
