"""An Idempotency-Key makes a repeated submission return the first case."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import Api, hiring_data

pytestmark = pytest.mark.integration


async def _submit(api: Api, key: str, as_: str = "rita", **overrides: object) -> tuple[int, str]:
    response = await api.post(
        "/api/v1/cases",
        as_=as_,
        headers={"Idempotency-Key": key},
        json={"event_type": "hiring", "data": hiring_data(**overrides)},
    )
    return response.status_code, response.json().get("id", "")


async def test_a_duplicate_submission_returns_the_first_case(api: Api) -> None:
    first = await _submit(api, "hire-mette-1")
    second = await _submit(api, "hire-mette-1")
    assert first[0] == second[0] == 201
    assert first[1] == second[1]
    listed = (await api.get("/api/v1/cases", as_="rita")).json()["items"]
    assert [c["id"] for c in listed] == [first[1]]


async def test_concurrent_duplicates_create_one_case(api: Api) -> None:
    results = await asyncio.gather(*(_submit(api, "double-click") for _ in range(5)))
    assert {status for status, _ in results} == {201}
    assert len({case_id for _, case_id in results}) == 1
    assert len((await api.get("/api/v1/cases", as_="rita")).json()["items"]) == 1


async def test_the_same_key_from_another_reporter_is_another_case(api: Api) -> None:
    _, rita = await _submit(api, "shared-key", as_="rita")
    _, rolf = await _submit(api, "shared-key", as_="rolf")
    assert rita != rolf


async def test_reusing_a_key_for_a_different_request_is_a_conflict(api: Api) -> None:
    await _submit(api, "hire-1")
    response = await api.post(
        "/api/v1/cases",
        as_="rita",
        headers={"Idempotency-Key": "hire-1"},
        json={"event_type": "hiring", "data": hiring_data(employee_name="Someone Else")},
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
