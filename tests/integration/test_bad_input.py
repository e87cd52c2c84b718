"""Bad input gets a clear problem+json answer and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from lifecase_embedded.system import EmbeddedSystem
from lifecase_intake.models import Case, outbox
from tests.support import Api, hiring_data

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


async def _nothing_written(system: EmbeddedSystem) -> None:
    async with system.intake.app.state.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
        assert await session.scalar(select(func.count()).select_from(outbox)) == 0


@pytest.mark.parametrize(
    ("data", "field", "kind"),
    [
        (hiring_data(weekly_hours="many"), "weekly_hours", "type"),
        ({k: v for k, v in hiring_data().items() if k != "start_date"}, "start_date", "required"),
        (hiring_data(cpr="3213901234"), "cpr", "format"),
        (hiring_data(start_date="04-01-2027"), "start_date", "format"),
        (hiring_data(employment_type="forever"), "employment_type", "enum"),
        (hiring_data(favourite_colour="blue"), "favourite_colour", "additionalProperties"),
    ],
)
async def test_invalid_case_data_is_rejected_field_by_field(
    api: Api, system: EmbeddedSystem, data: dict[str, Any], field: str, kind: str
) -> None:
    response = await api.post(
        "/api/v1/cases",
        as_="rita",
        headers={"Accept-Language": "en"},
        json={"event_type": "hiring", "data": data},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422
    assert {"loc": ["body", "data", field], "type": kind} in [
        {"loc": e["loc"], "type": e["type"]} for e in body["errors"]
    ]
    assert "0101901234" not in response.text and "3213901234" not in response.text
    await _nothing_written(system)


async def test_messages_are_danish_by_default(api: Api, system: EmbeddedSystem) -> None:
    response = await api.post(
        "/api/v1/cases", as_="rita", json={"event_type": "hiring", "data": {}}
    )
    assert response.status_code == 422
    assert response.json()["title"] == "Valideringen fejlede"
    assert "Feltet skal udfyldes." in {e["msg"] for e in response.json()["errors"]}


async def test_an_unknown_event_type_is_404(api: Api, system: EmbeddedSystem) -> None:
    response = await api.post(
        "/api/v1/cases", as_="rita", json={"event_type": "moon_landing", "data": {}}
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    await _nothing_written(system)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"event_type": 7, "data": {}}',
        b'{"data": {}}',
        b'{"event_type": "hiring", "data": "x"}',
        b'{"event_type": "hiring", "data": {}, "x": 1}',
    ],
)
async def test_malformed_requests_are_422(api: Api, system: EmbeddedSystem, body: bytes) -> None:
    response = await api.post(
        "/api/v1/cases", as_="rita", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"]
    await _nothing_written(system)


async def test_a_huge_payload_is_413(api: Api, system: EmbeddedSystem) -> None:
    response = await api.post(
        "/api/v1/cases",
        as_="rita",
        json={"event_type": "hiring", "data": hiring_data(position="x" * 2_000_000)},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    await _nothing_written(system)


@pytest.mark.parametrize("authorization", [None, "Bearer nonsense", "Basic cml0YTpyaXRh"])
async def test_requests_without_a_valid_token_are_401(
    api: Api, system: EmbeddedSystem, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [
        ("GET", "/api/v1/cases"),
        ("POST", "/api/v1/cases"),
        ("GET", "/api/v1/queues"),
        ("GET", "/api/v1/notifications"),
        ("GET", "/api/v1/event-types"),
    ]:
        response = await api.client.request(
            method, path, headers=headers, json={"event_type": "hiring", "data": {}}
        )
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Bearer")
    await _nothing_written(system)


async def test_a_token_signed_with_another_secret_is_401(api: Api) -> None:
    from lifecase_platform.auth import DevTokens, Principal

    forged = DevTokens("another-secret-of-thirty-two-bytes-or-more").issue(
        Principal(username="ada", roles=["admin"])
    )
    response = await api.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_an_unknown_path_is_a_problem_404(api: Api) -> None:
    response = await api.get("/api/v1/nowhere", as_="rita")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
