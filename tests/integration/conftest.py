"""Integration fixtures: real NATS, Temporal dev server and databases, started from the
installed packages on free ports (or as containers: see ``tests/engines.py``). Nothing here
uses servers a developer happens to run.

Each test gets its own system: fresh databases and a fresh nats-server (it starts in tens of
milliseconds); the Temporal dev server is shared, with a task queue per system."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from tests import engines
from tests.support import POSTGRES_ADMIN_URL, Api, database_urls, postgres_available, wait_for

BACKENDS = ["sqlite", "postgresql"]
UNLIMITED = {f"rate_limit_{kind}": "100000/minute" for kind in ("filing", "search", "admin")}
CATALOGUE = {"hiring", "termination", "leave_of_absence", "parental_leave", "general_request"}


@pytest.fixture(scope="session")
async def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    async with engines.temporal(tmp_path_factory.mktemp("temporal")) as address:
        yield address


@pytest.fixture(scope="session")
async def postgres_admin() -> AsyncIterator[str | None]:
    """The admin URL of a reachable PostgreSQL, or None when none can be had."""
    async with engines.postgres_admin_url(POSTGRES_ADMIN_URL) as url:
        yield url if await postgres_available(url) else None


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, postgres_admin: str | None) -> str:
    if request.param == "postgresql" and postgres_admin is None:
        pytest.skip(
            "!!! PostgreSQL is not reachable at 127.0.0.1:5432 and could not be "
            "started: the PostgreSQL half of the suite did NOT run !!!"
        )
    return str(request.param)


@pytest.fixture
async def nats_url(tmp_path: Path) -> AsyncIterator[str]:
    async with engines.nats(tmp_path / "nats") as url:
        yield url


@pytest.fixture
async def system_config(
    backend: str,
    nats_url: str,
    temporal_address: str,
    tmp_path: Path,
    postgres_admin: str | None,
) -> AsyncIterator[SystemConfig]:
    async with database_urls(backend, tmp_path, postgres_admin or POSTGRES_ADMIN_URL) as urls:
        yield SystemConfig(
            nats_url=nats_url,
            temporal_address=temporal_address,
            database_urls=urls,
            dev_token_secret=uuid.uuid4().hex,
            task_queue=f"lifecase-test-{uuid.uuid4().hex}",
            extra={
                "environment": "test",
                "consumer_ack_wait_seconds": 2.0,
                "outbox_poll_seconds": 0.2,
                # Tests poll 20 times a second, far faster than people; the limits
                # themselves are tested with their own, low settings (test_rate_limits.py).
                **UNLIMITED,
            },
        )


@pytest.fixture
async def system(
    system_config: SystemConfig, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[EmbeddedSystem]:
    lifecase = EmbeddedSystem(system_config)
    await lifecase.start()
    try:
        yield lifecase
    finally:
        await lifecase.stop()
    slow = [r.__dict__ for r in caplog.records if "in time" in r.getMessage()]
    assert not slow, f"a service did not stop cleanly: {slow}"


@pytest.fixture
async def api(system: EmbeddedSystem) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=system.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lifecase") as client:
        api = Api(client, system.token)

        async def catalogue_is_listed() -> bool:
            response = await api.get("/api/v1/event-types", as_="rita")
            return {t["key"] for t in response.json()} >= CATALOGUE

        await wait_for(catalogue_is_listed, what="intake to learn the catalogue's templates")
        yield api
