"""The access log: every read of a case or work item and every change is recorded with the
acting user, when, what and why; admins and auditors search and export it; nobody can
change or delete a line of it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from lifecase_embedded.system import EmbeddedSystem
from lifecase_intake.models import AccessRecord
from tests.support import Api, hiring_data, wait_for
from tests.workspace import act, routed_hiring, subcase_in

pytestmark = pytest.mark.integration


async def _log(api: Api, as_: str = "alma", **filters: str) -> list[dict[str, Any]]:
    response = await api.get("/api/v1/access-log", as_=as_, params=filters)
    assert response.status_code == 200, response.text
    return list(response.json())


async def _lines_for(api: Api, case_id: str, wanted: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The case's access-log lines, once every (actor, action) in ``wanted`` is among them."""

    async def logged() -> list[dict[str, Any]] | None:
        lines = await _log(api, case_id=case_id)
        return lines if wanted <= {(r["actor"], r["action"]) for r in lines} else None

    return await wait_for(logged, what=f"{sorted(wanted)} in the access log")


async def test_an_auditor_finds_who_read_and_changed_a_case(api: Api) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")
    assert (await api.get(f"/api/v1/cases/{case['id']}", as_="ada")).status_code == 200
    assert (await api.get(f"/api/v1/work-items/{payroll['id']}", as_="paula")).status_code == 200
    assert (await act(api, payroll["id"], "claim")).status_code == 200
    assert (await act(api, payroll["id"], "resolve", resolution="Oprettet")).status_code == 200

    lines = await _lines_for(
        api,
        case["id"],
        {
            ("rita", "case.filed"),
            ("rita", "case.read"),
            ("ada", "case.read"),
            ("paula", "work_item.read"),
            ("paula", "work_item.claimed"),
            ("paula", "work_item.resolved"),
        },
    )
    by = {(r["actor"], r["action"]): r for r in lines}
    assert by[("ada", "case.read")]["reason"] == "administrator"
    assert by[("ada", "case.read")]["roles"] == ["admin"]
    assert by[("rita", "case.read")]["reason"] == "reporter of the case"
    assert by[("paula", "work_item.read")]["reason"] == "member of unit payroll"
    assert by[("paula", "work_item.read")]["resource_id"] == payroll["id"]
    assert all(r["personal_data"] for r in lines)
    assert [r["at"] for r in lines] == sorted((r["at"] for r in lines), reverse=True)
    assert all(r["at"].endswith(("Z", "+00:00")) for r in lines), "times carry their zone"

    only_ada = await _log(api, case_id=case["id"], actor="ada")
    assert {r["action"] for r in only_ada} == {"case.read"}
    resolved = await _log(api, as_="ada", action="work_item.resolved")
    assert [r["case_id"] for r in resolved] == [case["id"]]


async def test_the_export_is_csv_of_identifiers_without_the_personal_data(api: Api) -> None:
    case = await routed_hiring(api, employee_name="Karen Blixen", cpr="1704851234")
    await _lines_for(api, case["id"], {("rita", "case.filed")})

    response = await api.get(
        "/api/v1/access-log/export", as_="alma", params={"case_id": case["id"]}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {(r["actor"], r["action"]) for r in rows} >= {("rita", "case.filed")}
    assert all(r["case_id"] == case["id"] for r in rows)
    assert "1704851234" not in response.text
    assert "Blixen" not in response.text


async def test_refused_requests_leave_no_line(api: Api) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")
    # rolf may not see rita's case; hans works in HR, not payroll
    assert (await api.get(f"/api/v1/cases/{case['id']}", as_="rolf")).status_code == 404
    assert (await act(api, payroll["id"], "claim", as_="hans")).status_code == 404
    # a marker action after the refusals: once it is logged, the refusals would be too
    assert (await act(api, payroll["id"], "claim")).status_code == 200
    lines = await _lines_for(api, case["id"], {("paula", "work_item.claimed")})
    assert {r["actor"] for r in lines} <= {"rita", "paula"}


async def test_administrative_changes_are_logged_with_the_admin_as_actor(api: Api) -> None:
    policy = (await api.get("/api/v1/routing/sla-policy", as_="ada")).json()
    changed = await api.client.put(
        "/api/v1/routing/sla-policy", headers=api.headers("ada"), json=policy
    )
    assert changed.status_code == 200, changed.text

    async def logged() -> list[dict[str, Any]] | None:
        return await _log(api, action="sla_policy.changed") or None

    [line] = await wait_for(logged, what="the SLA change in the access log")
    assert (line["actor"], line["resource"], line["personal_data"]) == ("ada", "sla_policy", False)


async def test_nobody_can_read_the_log_but_admins_and_auditors(api: Api) -> None:
    for user in ("rita", "paula", "lene", "robot-payroll"):
        response = await api.get("/api/v1/access-log", as_=user)
        assert response.status_code == 403, (user, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_line_of_the_log_cannot_be_changed_or_deleted(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await api.post(
        "/api/v1/cases", as_="rita", json={"event_type": "hiring", "data": hiring_data()}
    )
    [line] = await _lines_for(api, case.json()["id"], {("rita", "case.filed")})
    sessions = system.intake.app.state.sessions
    for statement in (
        update(AccessRecord).where(AccessRecord.id == line["id"]).values(actor="someone-else"),
        delete(AccessRecord).where(AccessRecord.id == line["id"]),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with sessions() as session, session.begin():
                await session.execute(statement)
    async with sessions() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM access_log WHERE id = :id AND actor = 'rita'"),
            {"id": line["id"]},
        )
    assert count == 1
