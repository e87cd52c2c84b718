"""Database engines and sessions for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert

from lifecase_platform import sqlite_inline

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def as_utc(moment: datetime) -> datetime:
    """``moment`` with its zone: SQLite returns the stored moment without one, and every
    stored time is UTC (PostgreSQL's aware times pass unchanged)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_engine(url: str) -> AsyncEngine:
    """An async engine. SQLite gets one connection (writes serialise anyway), WAL, and runs
    its calls on the event loop's thread (``sqlite_inline``: no thread hand-over per call).

    ``hide_parameters``: a database error's text leaves out the statement's values, which
    hold personal data; such texts reach logs and, from activities, workflow histories."""
    if not is_sqlite(url):
        engine = create_async_engine(url, pool_size=10, max_overflow=10, hide_parameters=True)
        event.listen(engine.sync_engine.pool, "checkout", _closed_by_server)
        return engine
    sqlite_url = make_url(url)
    args, options = SQLiteDialect_aiosqlite().create_connect_args(sqlite_url)
    options.pop("check_same_thread", None)
    busy_timeout_s = float(options.pop("timeout", sqlite_inline.BUSY_TIMEOUT_S))
    connect = sqlite_inline.connector(*args, **options)

    async def connection() -> Any:
        return await sqlite_inline.InlineConnection(connect, busy_timeout_s=busy_timeout_s)

    engine = create_async_engine(
        url,
        async_creator=connection,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        hide_parameters=True,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _closed_by_server(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection the server has closed (a restart, a terminated
    backend) is replaced before it is handed out. asyncpg notices the closed socket by
    itself, so this costs no round trip; a ping on every checkout did, for every
    transaction. A connection that dies unnoticed fails its first statement, and SQLAlchemy
    then renews the whole pool."""
    if record.driver_connection is not None and record.driver_connection.is_closed():
        raise DisconnectionError("the server closed the connection")


async def insert_new(session: AsyncSession, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless its primary key is taken (``ON CONFLICT DO NOTHING`` on both
    SQLite and PostgreSQL): one statement where an existence check and an insert took two.
    ``table`` is a mapped class or a ``Table``. True if the row is new.

    The statement is built once per table and dialect, the values travel as parameters:
    building it with the values inlined cost more than running it (event handlers call
    this for every event)."""
    statement = _insert_new_statement(_table(table))
    result = await session.execute(statement, values)
    return bool(getattr(result, "rowcount", 0))


def insert_new_at_commit(session: AsyncSession, table: Any, values: dict[str, Any]) -> None:
    """``insert_new``, held until the transaction commits and then sent together with the
    other rows held for the same table: one statement for many rows. For writes whose
    outcome nothing in the transaction reads (a timeline line, a notification); a
    transaction that rolls back drops them."""
    insert_at_commit(session, _insert_new_statement(_table(table)), values)


def insert_at_commit(session: AsyncSession, statement: Insert, values: dict[str, Any]) -> None:
    """Run the INSERT ``statement`` with ``values`` when the transaction commits, together with
    the other rows held for the same statement (one round trip for all of them). A failing
    insert fails the commit; a transaction that rolls back drops the rows."""
    held: dict[Insert, list[dict[str, Any]]] = session.info.setdefault(_HELD, {})
    if not held:
        sync = session.sync_session
        event.listen(sync, "before_commit", _insert_held, once=True)
        if not event.contains(sync, "after_rollback", _drop_held):
            event.listen(sync, "after_rollback", _drop_held)
    held.setdefault(statement, []).append(values)


def _insert_held(session: Session) -> None:
    held: dict[Insert, list[dict[str, Any]]] = session.info.pop(_HELD, {})
    for statement, rows in held.items():
        session.execute(statement, rows)


def _drop_held(session: Session) -> None:
    session.info.pop(_HELD, None)


def _table(table: Any) -> Table:
    found: Table = getattr(table, "__table__", table)
    return found


class InsertNew(Insert):
    """``INSERT ... ON CONFLICT DO NOTHING`` (the same words in SQLite and PostgreSQL) that
    SQLAlchemy's statement cache keeps. The dialects' own ``insert().on_conflict_do_nothing()``
    cannot be cached in SQLAlchemy 2.0, so it was compiled anew for every row inserted: the
    largest single cost of routing an event."""

    inherit_cache = True


@compiles(InsertNew)
def _compile_insert_new(element: InsertNew, compiler: SQLCompiler, **kw: Any) -> str:
    insert: str = compiler.visit_insert(element, **kw)  # type: ignore[no-untyped-call]
    return f"{insert} ON CONFLICT DO NOTHING"


@functools.cache
def _insert_new_statement(table: Table) -> InsertNew:
    return InsertNew(table)


_HELD = "lifecase.insert_at_commit"


def transaction_memo(session: AsyncSession, name: str) -> dict[Any, Any]:
    """A dict that lives as long as ``session``: what a batch of event handlers looked up
    once (configuration, a case's status) need not be read again within the transaction."""
    memo: dict[Any, Any] = session.info.setdefault(name, {})
    return memo


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


def migrate(url: str, migrations_dir: Path, revision: str = "head") -> None:
    """Run a service's Alembic migrations up to ``revision`` (synchronous; call at startup)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)
