"""The typed dependencies routes declare instead of reading ``request.app.state``: a
transaction commits when the route returns and before the response goes out, rolls back when
the route raises, a failed commit is the route's error, and none of them shows in OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, event, func, insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifecase_contracts.events import Localized
from lifecase_platform import db
from lifecase_platform.deps import OutboxDep, SessionDep, SessionsDep, TxSessionDep
from lifecase_platform.errors import Conflict
from lifecase_platform.outbox import Outbox
from lifecase_platform.problems import install_problem_handlers

metadata = MetaData()
parents = Table("parents", metadata, Column("id", Integer, primary_key=True))
# A deferred reference: a child without its parent is refused at the commit, not before.
children = Table(
    "children",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parent", ForeignKey("parents.id", deferrable=True, initially="DEFERRED")),
)


class RecordedSession(Session):
    """Notes each commit in the list its session factory was given."""


@event.listens_for(RecordedSession, "after_commit")
def _committed(session: Session) -> None:
    session.info["events"].append("commit")


class Timeline:
    """Notes when the response starts, in the same list as the commits."""

    def __init__(self, app: ASGIApp, events: list[str]) -> None:
        self.app = app
        self.events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.events.append("response")
            await send(message)

        await self.app(scope, receive, sending)


def service_app(sessions: db.SessionFactory) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.sessions = sessions
    app.state.outbox = Outbox(Table("outbox", MetaData()))

    @app.post("/parents/{parent}", status_code=201)
    async def add(parent: int, session: TxSessionDep) -> int:
        await session.execute(insert(parents).values(id=parent))
        return parent

    @app.post("/parents/{parent}/refused")
    async def refuse(parent: int, session: TxSessionDep) -> None:
        await session.execute(insert(parents).values(id=parent))
        raise Conflict(Localized(da="Ikke nu.", en="Not now."))

    @app.post("/orphans")
    async def orphan(session: TxSessionDep) -> None:
        await session.execute(insert(children).values(id=1, parent=404))

    @app.get("/parents")
    async def count(session: SessionDep, sessions: SessionsDep, outbox: OutboxDep) -> int:
        assert sessions is app.state.sessions and outbox is app.state.outbox
        return int(await session.scalar(select(func.count()).select_from(parents)) or 0)

    return app


@pytest.fixture
def events() -> list[str]:
    return []


@pytest.fixture
async def client(tmp_path: Path, events: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'deps.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=RecordedSession, info={"events": events}
    )
    app = Timeline(service_app(sessions), events)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
        yield client
    await engine.dispose()


async def test_a_transaction_commits_before_the_response_goes_out(
    client: httpx.AsyncClient, events: list[str]
) -> None:
    assert (await client.post("/parents/1")).status_code == 201
    assert events == ["commit", "response"]
    assert (await client.get("/parents")).json() == 1


async def test_a_route_that_raises_changes_nothing(
    client: httpx.AsyncClient, events: list[str]
) -> None:
    assert (await client.post("/parents/1/refused")).status_code == 409
    assert "commit" not in events
    assert (await client.get("/parents")).json() == 0


async def test_a_failed_commit_is_the_routes_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/orphans")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"


def test_no_dependency_shows_in_openapi() -> None:
    schema = service_app(async_sessionmaker()).openapi()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    names = {p["name"] for op in operations for p in op.get("parameters", [])}
    assert names == {"parent"}
    assert not any("requestBody" in op for op in operations)
