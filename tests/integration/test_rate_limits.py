"""Rate limits per user and endpoint class: over the limit a caller gets 429 problem+json with
Retry-After and nothing happens; other people, and other kinds of request, go on."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_intake.models import Case
from tests.support import Api, hiring_data, page_client

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


@pytest.fixture
def system_config(system_config: SystemConfig) -> SystemConfig:
    system_config.extra = {
        **system_config.extra,
        "rate_limit_filing": "3/minute",
        "rate_limit_search": "5/minute",
        "rate_limit_admin": "4/minute",
    }
    return system_config


async def _file(api: Api, user: str) -> int:
    response = await api.post(
        "/api/v1/cases", as_=user, json={"event_type": "hiring", "data": hiring_data()}
    )
    return response.status_code


async def _cases_of(system: EmbeddedSystem, user: str) -> int:
    async with system.intake.app.state.sessions() as session:
        count = await session.scalar(select(func.count()).where(Case.reporter == user))
    return int(count or 0)


async def test_filing_over_the_limit_is_429_with_retry_after_and_files_nothing(
    api: Api, system: EmbeddedSystem
) -> None:
    assert [await _file(api, "rita") for _ in range(3)] == [201, 201, 201]
    refused = await api.post(
        "/api/v1/cases", as_="rita", json={"event_type": "hiring", "data": hiring_data()}
    )
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["type"] == "urn:lifecase:problem:rate-limited"
    assert await _cases_of(system, "rita") == 3
    # another reporter, and another kind of request, are not held back by rita's filing
    assert await _file(api, "rolf") == 201
    assert (await api.get("/api/v1/cases", as_="rita")).status_code == 200


async def test_searching_and_administration_have_limits_of_their_own(api: Api) -> None:
    searches = [
        (await api.get("/api/v1/queues/payroll/items", as_="paula")).status_code for _ in range(6)
    ]
    assert searches == [200] * 5 + [429]
    assert (await api.get("/api/v1/queues", as_="paula")).status_code == 200  # not a search
    admin = [(await api.get("/api/v1/templates", as_="ada")).status_code for _ in range(5)]
    assert admin == [200] * 4 + [429]
    # each service counts its own (memory://); a shared store (redis://) counts them together
    routing = [
        (await api.get("/api/v1/routing/rule-sets", as_="ada")).status_code for _ in range(5)
    ]
    assert routing == [200] * 4 + [429]
    assert (await api.get("/api/v1/templates", as_="rita")).status_code == 403  # not counted


async def test_a_role_is_checked_before_the_body(api: Api) -> None:
    """A caseworker who may not file gets 403 for a broken body too, never 422."""
    refused = await api.post("/api/v1/cases", as_="paula", json={"event_type": 12})
    assert refused.status_code == 403, refused.text
    refused = await api.post("/api/v1/templates/validate", as_="paula", content=b"{")
    assert refused.status_code == 403, refused.text


async def test_a_page_over_the_limit_says_so_in_the_persons_language(
    api: Api, system: EmbeddedSystem
) -> None:
    async with page_client(system.app, "/portal", "rita") as browser:
        pages = [
            (await browser.post("/portal/cases", data={"text": "x"})).status_code for _ in range(6)
        ]
        assert pages == [200] * 5 + [429]
        page = await browser.post("/portal/cases", data={"text": "x"})
        assert page.headers["content-type"].startswith("text/html")
        assert "For mange forespørgsler" in page.text
