"""The preview of a case before it is filed: lifecycle says which sub-cases open when and
due when, routing says where each would go. Both store nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lifecase_platform.workdays import today_in_denmark
from tests.support import Api, days_ahead

pytestmark = pytest.mark.integration

LEAVE = {
    "employee_name": "Mette Hansen",
    "cpr": "010190-1234",
    "department": "Solsikken",
    "expected_birth_date": days_ahead(70),
    "leave_periods": [{"start": days_ahead(60), "end": days_ahead(300)}],
}
PARTNER = {
    "partner_employed": True,
    "partner_name": "Jonas Berg",
    "partner_cpr": "0202851234",
    "partner_department": "Vej og Park",
    "partner_leave_periods": [{"start": days_ahead(70), "end": days_ahead(120)}],
}


async def test_the_template_preview_lists_each_task_with_its_dates_and_fields(api: Api) -> None:
    alone = await api.post(
        "/api/v1/templates/parental_leave/preview",
        as_="rita",
        json={"data": {**LEAVE, "partner_employed": False}},
    )
    assert alone.status_code == 200, alone.text
    included = {a["key"]: a["included"] for a in alone.json()["activities"]}
    assert not any(key.startswith("partner_") for key in included)  # no partner periods
    assert included["leave_periods_1"] is True

    both = await api.post(
        "/api/v1/templates/parental_leave/preview",
        as_="rita",
        json={"data": {**LEAVE, **PARTNER}},
    )
    activities = {a["key"]: a for a in both.json()["activities"]}
    partner = activities["partner_leave_periods_1"]
    assert partner["included"] is True
    assert partner["opens_on"] == today_in_denmark().isoformat()
    assert partner["due_date"] is not None
    assert [f["label"]["da"] for f in partner["fields"]][:2] == [
        "Partnerens navn",
        "Partnerens CPR-nummer",
    ]
    start = days_ahead(60)
    claim = activities["reimbursement_claim_1"]
    assert (claim["opens_on"], claim["waits_for"]) == (start, ["payroll_adjustment_1"])
    adjustment = activities["payroll_adjustment_1"]
    assert adjustment["opens_on"] is None and adjustment["waits_for"] == ["leave_periods_1"]
    assert adjustment["due_date"] < start  # five working days before the period starts


async def test_the_routing_preview_names_queue_and_unit_without_routing_anything(
    api: Api,
) -> None:
    later = today_in_denmark() + timedelta(days=30)
    response = await api.post(
        "/api/v1/routing/preview",
        as_="rita",
        json={
            "items": [
                {"subcase_type": "hr.parental_leave_periods", "unit_hint": "hr"},
                {
                    "subcase_type": "payroll.reimbursement_claim",
                    "unit_hint": "payroll",
                    "opens_on": later.isoformat(),
                },
            ]
        },
    )
    assert response.status_code == 200, response.text
    hr, payroll = response.json()
    assert (hr["queue"], hr["unit"]) == ("hr", "hr")
    assert hr["unit_name"]["da"] and hr["unit_name"]["da"] != "hr"
    assert payroll["unit"] == "payroll" and payroll["due_date"] > later.isoformat()
    queue = await api.get("/api/v1/queues/hr/items", as_="hans")
    assert queue.json()["items"] == []


async def test_a_preview_of_an_unknown_template_is_a_problem(api: Api) -> None:
    response = await api.post("/api/v1/templates/nope/preview", as_="rita", json={"data": {}})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_directory_names_units_and_queues_for_anyone_signed_in(api: Api) -> None:
    response = await api.get("/api/v1/routing/directory", as_="rita")
    assert response.status_code == 200, response.text
    assert response.json()["units"]["payroll"] == {"da": "Løn", "en": "Payroll"}
    assert "members" not in response.text
