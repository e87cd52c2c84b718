"""Reporters see only their own cases; caseworkers only their own units' queues; robots only
what their membership declares."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lifecase_embedded.system import EmbeddedSystem
from lifecase_intake.models import Case
from tests.support import Api, hiring_data, submit_hiring, wait_for, wait_until_routed
from tests.workspace import act, routed_hiring, subcase_in

pytestmark = pytest.mark.integration


async def test_one_reporter_cannot_read_another_reporters_case(api: Api) -> None:
    case = await submit_hiring(api, as_="rita")
    response = await api.get(f"/api/v1/cases/{case['id']}", as_="rolf")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert (await api.get(f"/api/v1/cases/{case['id']}", as_="rita")).status_code == 200


async def test_caseworkers_see_and_act_only_in_their_own_units_queues(api: Api) -> None:
    case = await wait_until_routed(api, (await submit_hiring(api))["id"])
    payroll_item = next(s for s in case["subcases"] if s["queue"] == "payroll")

    assert [q["key"] for q in (await api.get("/api/v1/queues", as_="ivan")).json()] == ["it"]
    assert (await api.get("/api/v1/queues/payroll/items", as_="ivan")).status_code == 404
    for action in ("claim", "resolve"):
        response = await api.post(
            f"/api/v1/work-items/{payroll_item['id']}/{action}",
            as_="ivan",
            json={"resolution": "not mine"},
        )
        assert response.status_code == 404
    assert (
        await api.get(f"/api/v1/work-items/{payroll_item['id']}", as_="ivan")
    ).status_code == 404

    item = (await api.get(f"/api/v1/work-items/{payroll_item['id']}", as_="paula")).json()
    assert item["status"] == "queued"
    assert item["routed_by_rule"] == "payroll-by-type"


async def test_a_claimed_item_cannot_be_taken_by_a_colleague_and_resolving_twice_conflicts(
    api: Api,
) -> None:
    case = await wait_until_routed(api, (await submit_hiring(api))["id"])
    item = next(s for s in case["subcases"] if s["queue"] == "facilities")
    assert (
        await api.post(f"/api/v1/work-items/{item['id']}/claim", as_="frida")
    ).status_code == 200
    taken = await api.post(f"/api/v1/work-items/{item['id']}/claim", as_="ada")
    assert taken.status_code == 409
    resolved = await api.post(
        f"/api/v1/work-items/{item['id']}/resolve", as_="frida", json={"resolution": "Sendt"}
    )
    assert resolved.json()["status"] == "resolved"
    again = await api.post(
        f"/api/v1/work-items/{item['id']}/resolve", as_="frida", json={"resolution": "Sendt igen"}
    )
    assert again.status_code == 409


async def test_only_reporters_file_cases(api: Api, system: EmbeddedSystem) -> None:
    for worker in ("paula", "robot-payroll", "ada", "lene"):
        response = await api.post(
            "/api/v1/cases", as_=worker, json={"event_type": "hiring", "data": hiring_data()}
        )
        assert response.status_code == 403, worker
        assert response.headers["content-type"] == "application/problem+json"
    async with system.intake.app.state.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0


async def test_the_template_schema_needs_a_token(api: Api) -> None:
    assert (await api.get("/api/v1/templates/schema", as_=None)).status_code == 401
    assert (await api.get("/api/v1/templates/schema", as_="rita")).status_code == 200


async def test_a_robot_takes_only_the_item_actions_its_membership_declares(api: Api) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")["id"]
    claimed = await act(api, payroll, "claim", as_="robot-payroll")
    assert claimed.status_code == 200, claimed.text
    asked = await act(api, payroll, "request-info", as_="robot-payroll", question="Konto?")
    assert asked.status_code == 403
    assert asked.headers["content-type"] == "application/problem+json"
    moved = await act(api, payroll, "transfer", as_="robot-payroll", queue="hr", reason="x")
    assert moved.status_code == 403
    item = (await api.get(f"/api/v1/work-items/{payroll}", as_="paula")).json()
    assert (item["status"], item["queue"], item["messages"]) == ("claimed", "payroll", [])

    declared = await api.client.put(
        "/api/v1/units/payroll/members/robot-payroll",
        headers=api.headers("ada"),
        json={"actions": ["claim", "request-info", "resolve"]},
    )
    assert declared.status_code == 200, declared.text
    members = {m["username"]: m for m in declared.json()["members"]}
    assert members["robot-payroll"]["actions"] == ["claim", "request-info", "resolve"]
    asked = await act(api, payroll, "request-info", as_="robot-payroll", question="Konto?")
    assert asked.status_code == 200, asked.text


async def test_an_admin_signs_a_user_out_everywhere_and_a_new_sign_in_works(api: Api) -> None:
    old = api.headers("rita")
    # one endpoint per service: intake, routing, lifecycle, notifications
    paths = [
        "/api/v1/cases",
        "/api/v1/routing/directory",
        "/api/v1/templates/schema",
        "/api/v1/notifications",
    ]
    for path in paths:
        assert (await api.client.get(path, headers=old)).status_code == 200, path
    refused = await api.post("/api/v1/users/rita/revoke-tokens", as_="paula")
    assert refused.status_code == 403
    revoked = await api.post("/api/v1/users/rita/revoke-tokens", as_="ada")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["username"] == "rita"

    async def refused_everywhere() -> bool:
        codes = [(await api.client.get(p, headers=old)).status_code for p in paths]
        return codes == [401] * len(paths)

    await wait_for(refused_everywhere, what="every service to refuse rita's old token")
    assert (await api.get("/api/v1/cases", as_="rolf")).status_code == 200  # only rita

    async def new_token_works() -> bool:
        return (await api.get("/api/v1/cases", as_="rita")).status_code == 200

    await wait_for(new_token_works, what="a token issued after the revocation to work")

    async def logged() -> list[dict[str, str]] | None:
        params = {"action": "user.tokens_revoked"}
        return (await api.get("/api/v1/access-log", as_="alma", params=params)).json() or None

    lines = await wait_for(logged, what="the revocation in the access log")
    assert [(r["actor"], r["resource_id"]) for r in lines] == [("ada", "rita")]
