"""Units, queues and members are data an admin manages; members see their units' queues,
leads are a role per membership, and nobody else may change any of it."""

from __future__ import annotations

import pytest

from tests.support import Api
from tests.workspace import act, delete, put, routed_hiring, subcase_in

pytestmark = pytest.mark.integration

PENSIONS = {"name": {"da": "Pension", "en": "Pensions"}}


async def test_an_admin_sets_up_a_unit_whose_new_member_then_works_its_queue(api: Api) -> None:
    assert (await put(api, "/api/v1/units/pensions", as_="ada", json=PENSIONS)).status_code == 200
    queue = await put(
        api,
        "/api/v1/units/pensions/queues/pensions",
        as_="ada",
        json={"name": {"da": "Pension – indmeldelser", "en": "Pensions – enrolment"}},
    )
    assert queue.status_code == 200
    lead = await put(api, "/api/v1/units/pensions/members/ivan", as_="ada", json={"role": "lead"})
    assert lead.json()["members"] == [{"username": "ivan", "role": "lead", "actions": None}]
    assert [q["key"] for q in lead.json()["queues"]] == ["pensions"]

    assert [q["key"] for q in (await api.get("/api/v1/queues", as_="ivan")).json()] == [
        "it",
        "pensions",
    ]
    assert [u["key"] for u in (await api.get("/api/v1/units", as_="ivan")).json()] == [
        "it",
        "pensions",
    ]
    everything = (await api.get("/api/v1/units", as_="ada")).json()
    payroll = next(u for u in everything if u["key"] == "payroll")
    assert {(m["username"], m["role"]) for m in payroll["members"]} == {
        ("paula", "member"),
        ("lene", "lead"),
        ("robot-payroll", "member"),
    }

    case = await routed_hiring(api)
    it_item = subcase_in(case, "it")["id"]
    moved = await act(api, it_item, "transfer", as_="ivan", queue="pensions", reason="Pension")
    assert moved.json()["queue"] == "pensions"
    used = await delete(api, "/api/v1/units/pensions/queues/pensions", as_="ada")
    assert used.status_code == 409
    assert used.headers["content-type"] == "application/problem+json"


async def test_removing_a_member_returns_their_open_items_to_the_queue(api: Api) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")["id"]
    await act(api, payroll, "claim", as_="paula")

    removed = await delete(api, "/api/v1/units/payroll/members/paula", as_="ada")
    assert removed.status_code == 200
    assert "paula" not in [m["username"] for m in removed.json()["members"]]
    assert (await api.get("/api/v1/queues", as_="paula")).json() == []
    item = (await api.get(f"/api/v1/work-items/{payroll}", as_="lene")).json()
    assert (item["status"], item["assignee"]) == ("queued", None)


async def test_only_admins_change_the_organisation(api: Api) -> None:
    for path, body in [
        ("/api/v1/units/payroll", PENSIONS),
        ("/api/v1/units/payroll/queues/payroll-2", PENSIONS),
        ("/api/v1/units/payroll/members/paula", {"role": "lead"}),
    ]:
        response = await put(api, path, as_="lene", json=body)
        assert response.status_code == 403, path
        assert response.headers["content-type"] == "application/problem+json"
    assert (await delete(api, "/api/v1/units/payroll/members/paula", as_="lene")).status_code == 403
    assert (
        await put(api, "/api/v1/units/no-such/queues/q", as_="ada", json=PENSIONS)
    ).status_code == 404
    bad_key = await put(api, "/api/v1/units/Løn!", as_="ada", json=PENSIONS)
    assert bad_key.status_code == 422
    taken = await put(api, "/api/v1/units/it/queues/payroll", as_="ada", json=PENSIONS)
    assert taken.status_code == 409
    units = (await api.get("/api/v1/units", as_="ada")).json()
    assert [u["key"] for u in units] == ["facilities", "hr", "it", "payroll", "servicedesk"]
    assert next(u for u in units if u["key"] == "payroll")["name"]["en"] == "Payroll"
