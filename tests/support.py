"""Helpers the tests share: waiting on conditions, the engines on free ports, databases."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx

from lifecase_platform.workdays import today_in_denmark

T = TypeVar("T")

POSTGRES_ADMIN_URL = os.environ.get(
    "LIFECASE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SERVICES = ("intake", "lifecycle", "routing", "notifications", "insight")


async def wait_for(
    probe: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = 20.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: T | None = None
    while loop.time() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}")


async def postgres_available(admin_url: str = POSTGRES_ADMIN_URL) -> bool:
    """Whether PostgreSQL answers; starts the local cluster once if it is installed but down."""
    if await _pg_answers(admin_url):
        return True
    versions = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and versions.is_dir():
        for version in sorted(p.name for p in versions.iterdir()):
            await asyncio.to_thread(
                subprocess.run,
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
                capture_output=True,
                timeout=60,
            )
        for _ in range(50):
            if await _pg_answers(admin_url):
                return True
            await asyncio.sleep(0.2)
    return False


async def _pg_answers(admin_url: str) -> bool:
    try:
        connection = await asyncpg.connect(admin_url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


@asynccontextmanager
async def database_urls(
    backend: str, tmp: Path, admin_url: str = POSTGRES_ADMIN_URL
) -> AsyncIterator[dict[str, str]]:
    """Fresh, empty databases for the services on ``backend``; removed afterwards."""
    if backend == "sqlite":
        yield {s: f"sqlite+aiosqlite:///{tmp / (s + '.db')}" for s in SERVICES}
        return
    prefix = f"lc_test_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_url)
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        for s in SERVICES:
            await admin.execute(f'CREATE DATABASE "{prefix}_{s}"')
        yield {s: f"{base}/{prefix}_{s}" for s in SERVICES}
    finally:
        for s in SERVICES:
            await admin.execute(f'DROP DATABASE IF EXISTS "{prefix}_{s}" WITH (FORCE)')
        await admin.close()


CSRF_COOKIE = "lifecase_csrf"


@asynccontextmanager
async def page_client(app: Any, ui_prefix: str, user: str) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client signed in to the pages under ``ui_prefix`` as ``user``. Like
    htmx, it sends the page's CSRF token as ``X-CSRF-Token`` on every post (the browser
    tests post the forms' hidden field instead)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lifecase") as client:

        async def with_token(request: httpx.Request) -> None:
            token = client.cookies.get(CSRF_COOKIE)
            if request.method != "GET" and token and "x-csrf-token" not in request.headers:
                request.headers["X-CSRF-Token"] = token

        client.event_hooks["request"] = [with_token]
        assert (await client.get(f"{ui_prefix}/sign-in")).status_code == 200
        response = await client.post(f"{ui_prefix}/sign-in", data={"username": user})
        assert response.status_code == 303, response.text
        yield client


class Api:
    """An HTTP client for the system that signs requests as a demo user."""

    def __init__(self, client: httpx.AsyncClient, token: Callable[[str], str]) -> None:
        self.client = client
        self.token = token

    def headers(self, user: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return headers

    async def get(self, path: str, *, as_: str | None, **kw: Any) -> httpx.Response:
        return await self.client.get(path, headers=self.headers(as_, kw.pop("headers", None)), **kw)

    async def post(self, path: str, *, as_: str | None, **kw: Any) -> httpx.Response:
        return await self.client.post(
            path, headers=self.headers(as_, kw.pop("headers", None)), **kw
        )


def days_ahead(days: int) -> str:
    return (today_in_denmark() + timedelta(days=days)).isoformat()


def hiring_data(**overrides: Any) -> dict[str, Any]:
    """A hiring that starts in a week: every sub-case's date has come, so all five open."""
    data: dict[str, Any] = {
        "employee_name": "Mette Hansen",
        "cpr": "0101901234",
        "start_date": days_ahead(7),
        "position": "Pædagog",
        "department": "Børnehuset Solsikken",
        "employment_type": "permanent",
        "weekly_hours": 37,
        "needs_laptop": True,
    }
    data.update(overrides)
    return data


UNIT_WORKERS = {"hr": "hans", "payroll": "paula", "it": "ivan", "facilities": "frida"}


async def submit_hiring(
    api: Api, *, as_: str = "rita", key: str | None = None, **overrides: Any
) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else None
    response = await api.post(
        "/api/v1/cases",
        as_=as_,
        headers=headers,
        json={"event_type": "hiring", "data": hiring_data(**overrides)},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def wait_until_routed(
    api: Api, case_id: str, *, as_: str = "rita", count: int = 5
) -> dict[str, Any]:
    async def routed() -> dict[str, Any] | None:
        case = (await api.get(f"/api/v1/cases/{case_id}", as_=as_)).json()
        subs = case["subcases"]
        if len(subs) == count and all(s["status"] == "routed" for s in subs):
            return dict(case)
        return None

    return await wait_for(routed, what=f"{count} sub-cases of {case_id} to be routed")


async def resolve_as_unit_workers(api: Api, case: dict[str, Any]) -> None:
    """Each sub-case is claimed and resolved by a caseworker of the unit it was routed to."""
    for sub in case["subcases"]:
        worker = UNIT_WORKERS[sub["unit"]]
        claim = await api.post(f"/api/v1/work-items/{sub['id']}/claim", as_=worker)
        assert claim.status_code == 200, claim.text
        done = await api.post(
            f"/api/v1/work-items/{sub['id']}/resolve", as_=worker, json={"resolution": "Klaret"}
        )
        assert done.status_code == 200, done.text


async def publish_template(api: Api, text: str) -> int:
    """Publish a template (YAML) through the admin API, four eyes: the admin ``ada`` drafts
    and submits it, the process owner ``pia`` approves it. Returns its new version."""
    created = await api.post(
        "/api/v1/templates",
        as_="ada",
        content=text.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    path = f"/api/v1/templates/{draft['key']}/versions/{draft['version']}"
    submitted = await api.post(f"{path}/submit", as_="ada", json={"note": "Til godkendelse"})
    assert submitted.status_code == 200, submitted.text
    published = await api.post(f"{path}/publish", as_="pia")
    assert published.status_code == 200, published.text
    version = int(draft["version"])

    async def offered() -> bool:
        # Intake learns of the version from lifecycle's event: reporters can file it then.
        types = (await api.get("/api/v1/event-types", as_="rita")).json()
        return any(t["key"] == draft["key"] and t["version"] == version for t in types)

    await wait_for(offered, what=f"intake to offer {draft['key']} version {version}")
    return version


async def submit(
    api: Api, event_type: str, data: dict[str, Any], *, as_: str = "rita"
) -> dict[str, Any]:
    response = await api.post(
        "/api/v1/cases", as_=as_, json={"event_type": event_type, "data": data}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def wait_for_case(
    api: Api,
    case_id: str,
    check: Callable[[dict[str, Any]], bool],
    *,
    what: str,
    as_: str = "rita",
    timeout: float = 30.0,
) -> dict[str, Any]:
    """The case as its reporter sees it, once ``check`` holds for it."""

    async def probe() -> dict[str, Any] | None:
        case = dict((await api.get(f"/api/v1/cases/{case_id}", as_=as_)).json())
        return case if check(case) else None

    return await wait_for(probe, what=what, timeout=timeout)


def subcases(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["activity"]: s for s in case["subcases"]}


def statuses(case: dict[str, Any]) -> dict[str, str]:
    return {s["activity"]: s["status"] for s in case["subcases"]}


async def resolve(api: Api, subcase: dict[str, Any]) -> None:
    worker = UNIT_WORKERS[subcase["unit"]]
    response = await api.post(
        f"/api/v1/work-items/{subcase['id']}/resolve", as_=worker, json={"resolution": "Klaret"}
    )
    assert response.status_code == 200, response.text
