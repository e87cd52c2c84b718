"""The cluster's base URL passes a request to another replica when one does not answer (it is
stopping, or was killed), and answers 503 problem+json when none does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lifecase_embedded.cluster import Replica, ReplicaPool
from lifecase_embedded.engines import Engine, free_port
from tests.support import wait_for

pytestmark = pytest.mark.integration


async def echo(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "path": request.url.path,
            "query": request.url.query,
            "body": (await request.body()).decode(),
            "auth": request.headers.get("authorization"),
        },
        status_code=201,
        headers={"X-Replica": "live"},
    )


@contextlib.asynccontextmanager
async def live_replica() -> AsyncIterator[int]:
    port = free_port()
    app = Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    await wait_for(lambda: _started(server), what="the replica to listen")
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def _started(server: uvicorn.Server) -> bool:
    return server.started


def replica(index: int, port: int, tmp_path: Path) -> Replica:
    async def ready(_: object) -> None:
        return None

    return Replica("routing", index, port, Engine(f"routing-{index}", [], tmp_path / "log", ready))


async def test_a_request_goes_on_to_the_replica_that_answers(tmp_path: Path) -> None:
    async with live_replica() as port, httpx.AsyncClient() as http:
        dead = replica(1, free_port(), tmp_path)  # nothing listens there
        pool = ReplicaPool("routing", [dead, replica(2, port, tmp_path)], http)
        transport = httpx.ASGITransport(app=pool)
        async with httpx.AsyncClient(transport=transport, base_url="http://lifecase") as client:
            for _ in range(4):  # whichever replica's turn it is
                response = await client.post(
                    "/api/v1/work-items/x/claim?as=paula",
                    content=b'{"a": 1}',
                    headers={"Authorization": "Bearer t"},
                )
                assert response.status_code == 201
                assert response.headers["x-replica"] == "live"
                assert response.json() == {
                    "path": "/api/v1/work-items/x/claim",
                    "query": "as=paula",
                    "body": '{"a": 1}',
                    "auth": "Bearer t",
                }


async def test_no_replica_answering_is_a_503_problem(tmp_path: Path) -> None:
    async with httpx.AsyncClient() as http:
        pool = ReplicaPool("routing", [replica(1, free_port(), tmp_path)], http)
        transport = httpx.ASGITransport(app=pool)
        async with httpx.AsyncClient(transport=transport, base_url="http://lifecase") as client:
            response = await client.get("/api/v1/queues")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
