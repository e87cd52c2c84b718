"""``insert_new`` inserts a row once: a second insert of the same key changes nothing and
says so. Its statement is one SQLAlchemy can cache (compiling it per row was the largest cost
of routing an event), and it reads the same on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

import lifecase_platform.db as db

metadata = MetaData()
things = Table("things", metadata, Column("id", String(10), primary_key=True), Column("n", Integer))


def test_the_statement_is_cacheable_and_the_same_on_both_databases() -> None:
    statement = db.InsertNew(things)
    assert statement._generate_cache_key() is not None
    dialects: list[Any] = [sqlite.dialect, postgresql.dialect]  # untyped in SQLAlchemy
    for dialect in (make() for make in dialects):
        sql = str(statement.compile(dialect=dialect, column_keys=["id", "n"]))
        assert sql.startswith("INSERT INTO things (id, n) VALUES")
        assert sql.endswith("ON CONFLICT DO NOTHING")


async def test_a_row_is_inserted_once(tmp_path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        assert await db.insert_new(session, things, {"id": "a", "n": 1}) is True
        assert await db.insert_new(session, things, {"id": "a", "n": 2}) is False
        db.insert_new_at_commit(session, things, {"id": "a", "n": 3})
        db.insert_new_at_commit(session, things, {"id": "b", "n": 4})
    async with sessions() as session:
        rows = (await session.execute(select(things).order_by(things.c.id))).all()
    assert [tuple(row) for row in rows] == [("a", 1), ("b", 4)]
    await engine.dispose()
