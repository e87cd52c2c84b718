"""The walking skeleton's path: one hiring case from submit to routed queues to completed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import (
    Api,
    resolve_as_unit_workers,
    submit_hiring,
    wait_for,
    wait_until_routed,
)

pytestmark = pytest.mark.integration


async def test_a_hiring_case_is_routed_to_four_units_and_completes_when_all_are_resolved(
    api: Api,
) -> None:
    submitted = await submit_hiring(api)
    assert submitted["status"] == "submitted"

    case = await wait_until_routed(api, submitted["id"])
    assert {s["activity"] for s in case["subcases"]} == {
        "employment_contract",
        "payroll_setup",
        "it_equipment",
        "access_card",
        "welcome_package",
    }
    assert {s["queue"] for s in case["subcases"]} == {"hr", "payroll", "it", "facilities"}
    assert all(s["due_date"] for s in case["subcases"])

    payroll_queue = (await api.get("/api/v1/queues/payroll/items", as_="paula")).json()
    [item] = payroll_queue["items"]
    assert item["case_id"] == submitted["id"]
    assert "cpr" in item["fields"]

    it_item = (await api.get("/api/v1/queues/it/items", as_="ivan")).json()["items"][0]
    assert "cpr" not in it_item["fields"], "IT is not to receive the CPR number"

    await resolve_as_unit_workers(api, case)

    async def completed() -> dict[str, Any] | None:
        body = (await api.get(f"/api/v1/cases/{submitted['id']}", as_="rita")).json()
        return body if body["status"] == "completed" else None

    done = await wait_for(completed, what="the case to complete")
    assert all(s["status"] == "resolved" for s in done["subcases"])


async def test_the_reporter_is_notified_once_per_routed_resolved_and_completed_event(
    api: Api,
) -> None:
    submitted = await submit_hiring(api)
    await resolve_as_unit_workers(api, await wait_until_routed(api, submitted["id"]))

    async def eleven() -> list[dict[str, str]] | None:
        items = (
            await api.get("/api/v1/notifications", as_="rita", headers={"Accept-Language": "en"})
        ).json()
        return items if len(items) >= 11 else None

    notes = await wait_for(eleven, what="eleven notifications")
    kinds = sorted(n["kind"] for n in notes)
    assert kinds == ["case_completed"] + ["subcase_resolved"] * 5 + ["subcase_routed"] * 5
    assert any("completed" in n["text"] for n in notes)
    assert any(n["text"] == "“Payroll setup” was sent to Payroll." for n in notes)
    danish = (
        await api.get("/api/v1/notifications", as_="rita", headers={"Accept-Language": "da"})
    ).json()
    assert any("afsluttet" in n["text"] for n in danish)
    assert any(n["text"] == "»Lønoprettelse« er sendt til Løn." for n in danish)
    case = (await api.get(f"/api/v1/cases/{submitted['id']}", as_="rita")).json()
    assert "»Lønoprettelse« er sendt til Løn." in [e["text"]["da"] for e in case["timeline"]]
    assert (await api.get("/api/v1/notifications", as_="rolf")).json() == []


async def test_cases_are_listed_newest_first_and_paginated(api: Api) -> None:
    ids = [(await submit_hiring(api, employee_name=f"Person {i}"))["id"] for i in range(3)]
    first = (await api.get("/api/v1/cases", as_="rita", params={"limit": 2})).json()
    assert [c["id"] for c in first["items"]] == ids[::-1][:2]
    second = (
        await api.get(
            "/api/v1/cases", as_="rita", params={"limit": 2, "cursor": first["next_cursor"]}
        )
    ).json()
    assert [c["id"] for c in second["items"]] == [ids[0]]
    assert second["next_cursor"] is None
    assert (await api.get("/api/v1/cases", as_="rolf")).json()["items"] == []


async def test_event_types_carry_the_schema_the_api_validates_with(api: Api) -> None:
    listed = (await api.get("/api/v1/event-types", as_="rita")).json()
    assert {t["key"] for t in listed} == {
        "hiring",
        "termination",
        "leave_of_absence",
        "parental_leave",
        "general_request",
    }
    [hiring] = [t for t in listed if t["key"] == "hiring"]
    schema = hiring["input_schema"]
    assert hiring["title"] == {"da": "Ansættelse", "en": "Hiring"}
    assert {"employee_name", "cpr", "start_date"} <= set(schema["required"])
    assert schema["properties"]["cpr"]["format"] == "dk-cpr"
