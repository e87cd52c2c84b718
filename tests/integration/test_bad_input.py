"""Bad input gets a clear problem+json answer and writes nothing."""

from __future__ import annotations

import time
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


def _alias_bomb(levels: int) -> str:
    lines = ["key: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"k{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


async def test_template_bombs_are_refused_at_once_and_every_service_keeps_answering(
    api: Api,
) -> None:
    bodies = [
        (_alias_bomb(9).encode(), "application/yaml"),
        (("[" * 5_000 + "]" * 5_000).encode(), "application/yaml"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ]
    for body, content_type in bodies:
        started = time.perf_counter()
        response = await api.post(
            "/api/v1/templates/validate",
            as_="ada",
            content=body,
            headers={"Content-Type": content_type, "Accept-Language": "en"},
        )
        # Expanding the 9-level bomb would take minutes and gigabytes; refusing it, milliseconds.
        assert time.perf_counter() - started < 5.0
        assert response.status_code in (400, 422), response.text
        assert response.headers["content-type"] == PROBLEM
        assert "more than" in response.text
    for path, user in [
        ("/api/v1/cases", "rita"),
        ("/api/v1/queues", "paula"),
        ("/api/v1/notifications", "rita"),
        ("/api/v1/templates", "ada"),
    ]:
        assert (await api.get(path, as_=user)).status_code == 200, path


@pytest.mark.parametrize("start_date", ["0001-01-01", "9999-12-31", "1899-12-31"])
async def test_a_case_with_an_impossible_date_is_refused_at_intake(
    api: Api, system: EmbeddedSystem, start_date: str
) -> None:
    response = await api.post(
        "/api/v1/cases",
        as_="rita",
        headers={"Accept-Language": "en"},
        json={"event_type": "hiring", "data": hiring_data(start_date=start_date)},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "data", "start_date"]
    assert "1900-2199" in error["msg"]
    await _nothing_written(system)


async def test_json_no_handler_could_store_is_refused_and_nothing_is_written(
    api: Api, system: EmbeddedSystem
) -> None:
    hostile = {
        "NaN": b'{"event_type": "hiring", "data": {"weekly_hours": NaN}}',
        "Infinity": b'{"event_type": "hiring", "data": {"weekly_hours": -Infinity}}',
        "a huge integer": b'{"event_type": "hiring", "data": {"weekly_hours": 1'
        + b"0" * 40
        + b"}}",
        "a NUL character": b'{"event_type": "hiring", "data": {"position": "a\\u0000b"}}',
        "a lone surrogate": b'{"event_type": "hiring", "data": {"position": "\\ud800"}}',
        "deep nesting": b'{"event_type": "hiring", "data": ' + b"[" * 200 + b"]" * 200 + b"}",
    }
    for what, body in hostile.items():
        response = await api.post(
            "/api/v1/cases", as_="rita", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, what
        assert response.headers["content-type"] == PROBLEM, what
        assert response.json()["type"] == "urn:lifecase:problem:bad-json", what
    response = await api.post(
        "/api/v1/cases",
        as_="rita",
        headers={"Accept-Language": "en"},
        json={"event_type": "hiring", "data": hiring_data(weekly_hours=-5)},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "data", "weekly_hours"]
    await _nothing_written(system)


async def test_out_of_range_versions_and_unfit_preview_data_are_422(api: Api) -> None:
    huge = "9" * 30
    for path, user in [
        (f"/api/v1/templates/hiring/versions/{huge}", "ada"),
        ("/api/v1/templates/hiring/versions/0", "ada"),
        (f"/api/v1/templates/hiring/versions/{huge}/cases", "ada"),
        (f"/api/v1/routing/rule-sets/{huge}", "ada"),
    ]:
        response = await api.get(path, as_=user)
        assert response.status_code == 422, path
        assert response.headers["content-type"] == PROBLEM
    for body in [
        {"data": {}},
        {"data": hiring_data(start_date="0001-01-01")},
        {"data": hiring_data(), "version": 2**31},
    ]:
        response = await api.post("/api/v1/templates/hiring/preview", as_="rita", json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"]
