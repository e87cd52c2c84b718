"""The life-cycle engine against the real Temporal server: conditions, dependencies,
reschedule, withdraw, and template versions that change while cases run."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import nats
import pytest

from lifecase_contracts.events import STREAM_NAME, CaseRescheduled
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_lifecycle.workflows.types import CaseOutcome, workflow_id
from lifecase_platform.workdays import today_in_denmark
from tests.support import (
    Api,
    days_ahead,
    hiring_data,
    publish_template,
    resolve,
    statuses,
    subcases,
    submit,
    wait_for,
    wait_for_case,
)

pytestmark = pytest.mark.integration

ONBOARDING = """\
key: onboarding
title: {da: Onboarding, en: Onboarding}
description: {da: Test, en: Test}
fields:
  - {key: name, type: text, label: {da: Navn, en: Name}}
activities:
  - key: employment_contract
    subcase_type: hr.employment_contract
    title: {da: Kontrakt, en: Contract}
  - key: payroll_setup
    subcase_type: payroll.setup
    title: {da: Løn, en: Payroll}
    trigger: {after: [employment_contract]}
"""


def parental_leave(partner: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "employee_name": "Sara Jensen",
        "cpr": "0202891234",
        "department": "Rådhuset",
        "expected_birth_date": days_ahead(40),
        "leave_periods": [
            {"start": days_ahead(30), "end": days_ahead(120)},
            {"start": days_ahead(200), "end": days_ahead(300)},
        ],
        "partner_employed": partner,
    }
    if partner:
        data.update(
            partner_name="Ole Jensen",
            partner_cpr="0303881234",
            partner_department="Vej og Park",
            partner_leave_periods=[{"start": days_ahead(40), "end": days_ahead(120)}],
        )
    return data


async def test_a_leave_in_periods_for_both_parents_is_one_case_with_a_subcase_per_period(
    api: Api,
) -> None:
    with_partner = await submit(api, "parental_leave", parental_leave(partner=True))
    without = await submit(api, "parental_leave", parental_leave(partner=False))

    case = await wait_for_case(
        api,
        with_partner["id"],
        lambda c: all(
            statuses(c).get(k) == "routed"
            for k in ("leave_periods_1", "leave_periods_2", "partner_leave_periods_1")
        ),
        what="each period's leave registration to be routed",
    )
    # Two periods for the employee, one for the partner: a registration, a payroll
    # adjustment and (for the employee) a reimbursement claim per period.
    assert sorted(statuses(case)) == sorted(
        [
            "leave_periods_1",
            "leave_periods_2",
            "payroll_adjustment_1",
            "payroll_adjustment_2",
            "reimbursement_claim_1",
            "reimbursement_claim_2",
            "partner_leave_periods_1",
            "partner_payroll_adjustment_1",
        ]
    )
    periods = subcases(case)
    assert periods["leave_periods_2"]["title"]["da"] == "Registrering af orlovsperiode (periode 2)"
    assert periods["payroll_adjustment_2"]["waits_for"] == ["leave_periods_2"]
    assert periods["reimbursement_claim_2"]["opens_on"] == days_ahead(200)
    assert statuses(case)["partner_payroll_adjustment_1"] == "scheduled"
    assert periods["partner_payroll_adjustment_1"]["waits_for"] == ["partner_leave_periods_1"]

    alone = await wait_for_case(
        api,
        without["id"],
        lambda c: statuses(c).get("leave_periods_1") == "routed",
        what="the employee's leave registration to be routed",
    )
    assert not any(key.startswith("partner_") for key in statuses(alone))


async def test_a_period_that_ends_before_it_starts_is_refused_in_both_languages(
    api: Api,
) -> None:
    data = parental_leave(partner=True)
    data["partner_leave_periods"] = [{"start": days_ahead(40), "end": days_ahead(39)}]
    for language, text in (("da", "Må ikke ligge før Fra."), ("en", "Must not be before From.")):
        response = await api.client.post(
            "/api/v1/cases",
            headers={**api.headers("rita"), "Accept-Language": language},
            json={"event_type": "parental_leave", "data": data},
        )
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert {"loc": ["body", "data", "partner_leave_periods", 0, "end"], "msg": text} in [
            {"loc": e["loc"], "msg": e["msg"]} for e in errors
        ], errors
    too_many = parental_leave(partner=False)
    too_many["leave_periods"] = [{"start": days_ahead(30), "end": days_ahead(31)}] * 7
    refused = await api.post(
        "/api/v1/cases", as_="rita", json={"event_type": "parental_leave", "data": too_many}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["msg"] == "Højst 6."
    # Nothing was filed.
    assert (await api.get("/api/v1/cases", as_="rita")).json()["items"] == []


async def test_payroll_setup_opens_only_after_the_contract_is_resolved(api: Api) -> None:
    await publish_template(api, ONBOARDING)
    await wait_for(lambda: _listed(api, "onboarding"), what="onboarding to be listed")
    case = await submit(api, "onboarding", {"name": "Mette"})

    routed = await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c).get("employment_contract") == "routed",
        what="the contract to be routed",
    )
    assert statuses(routed)["payroll_setup"] == "scheduled"
    assert subcases(routed)["payroll_setup"]["waits_for"] == ["employment_contract"]

    await resolve(api, subcases(routed)["employment_contract"])
    after = await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c)["payroll_setup"] == "routed",
        what="payroll setup to open after the contract",
    )
    assert subcases(after)["payroll_setup"]["queue"] == "payroll"


async def test_rescheduling_moves_a_scheduled_date_and_an_open_due_date(
    api: Api, system_config: SystemConfig
) -> None:
    start = today_in_denmark() + timedelta(days=60)
    case = await submit(api, "hiring", hiring_data(start_date=start.isoformat()))
    before = await wait_for_case(
        api,
        case["id"],
        lambda c: (
            statuses(c).get("payroll_setup") == "routed"
            and statuses(c).get("welcome_package") == "scheduled"
        ),
        what="the plan",
    )
    welcome = subcases(before)["welcome_package"]
    assert welcome["opens_on"] == (start - timedelta(days=14)).isoformat()
    old_due = subcases(before)["payroll_setup"]["due_date"]

    later = start + timedelta(days=30)
    response = await api.client.patch(
        f"/api/v1/cases/{case['id']}",
        headers=api.headers("rita"),
        json={"data": {"start_date": later.isoformat()}, "reason": "Starter en måned senere"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 1

    moved = await wait_for_case(
        api,
        case["id"],
        lambda c: (
            subcases(c)["welcome_package"]["opens_on"] == (later - timedelta(days=14)).isoformat()
            and subcases(c)["payroll_setup"]["due_date"] != old_due
        ),
        what="the welcome package and payroll's due date to move",
    )
    assert date.fromisoformat(subcases(moved)["payroll_setup"]["due_date"]) > date.fromisoformat(
        old_due
    )
    kinds = [entry["kind"] for entry in moved["timeline"]]
    assert "case_rescheduled" in kinds and "due_date_changed" in kinds
    nc = await nats.connect(system_config.nats_url)
    try:
        stored = await nc.jetstream().get_last_msg(STREAM_NAME, CaseRescheduled.TYPE)
    finally:
        await nc.close()
    event = json.loads(stored.data or b"{}")["data"]
    assert event["dates"] == {"start_date": later.isoformat()}
    assert event["changed_fields"] == ["start_date"]
    assert "0101901234" not in str(event) and "Mette Hansen" not in str(event)


async def test_a_reschedule_is_refused_as_a_whole_when_any_part_is_invalid(api: Api) -> None:
    case = await submit(api, "hiring", hiring_data())
    for change, field in [
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"start_date": days_ahead(9), "position": "Chef"}, "position"),
    ]:
        response = await api.client.patch(
            f"/api/v1/cases/{case['id']}", headers=api.headers("rita"), json={"data": change}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert ["body", "data", field] in [e["loc"] for e in response.json()["errors"]]
    unchanged = (await api.get(f"/api/v1/cases/{case['id']}", as_="rita")).json()
    assert unchanged["revision"] == 0
    assert unchanged["data"]["start_date"] == hiring_data()["start_date"]
    other = await api.client.patch(
        f"/api/v1/cases/{case['id']}",
        headers=api.headers("rolf"),
        json={"data": {"start_date": days_ahead(9)}},
    )
    assert other.status_code == 404


async def test_withdrawing_cancels_open_work_and_reverses_what_was_done(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await submit(api, "hiring", hiring_data())
    routed = await wait_for_case(
        api,
        case["id"],
        lambda c: len(c["subcases"]) == 5 and all(s == "routed" for s in statuses(c).values()),
        what="five routed sub-cases",
    )
    await resolve(api, subcases(routed)["access_card"])
    await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c)["access_card"] == "resolved",
        what="the access card to be resolved",
    )

    response = await api.post(
        f"/api/v1/cases/{case['id']}/withdraw",
        as_="rita",
        json={"reason": "Kandidaten takkede nej"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"

    done = await wait_for_case(
        api,
        case["id"],
        lambda c: (
            statuses(c).get("revoke_access_card") == "routed"
            and statuses(c)["employment_contract"] == "cancelled"
        ),
        what="open work cancelled and the access card revocation routed",
    )
    assert statuses(done) == {
        "employment_contract": "cancelled",
        "payroll_setup": "cancelled",
        "it_equipment": "cancelled",
        "access_card": "resolved",
        "welcome_package": "cancelled",
        "revoke_access_card": "routed",
    }
    assert subcases(done)["payroll_setup"]["reason"] == "withdrawn"
    assert subcases(done)["revoke_access_card"]["queue"] == "facilities"
    assert done["status"] == "withdrawn"

    again = await api.post(
        f"/api/v1/cases/{case['id']}/withdraw", as_="rita", json={"reason": "igen"}
    )
    assert again.status_code == 409

    await resolve(api, subcases(done)["revoke_access_card"])
    temporal = system.lifecycle.temporal
    assert temporal is not None
    handle = temporal.get_workflow_handle(workflow_id(case["id"]), result_type=CaseOutcome)
    result = await handle.result()
    assert result.status == "withdrawn"


async def test_a_case_finishes_on_the_version_it_was_filed_under(api: Api) -> None:
    await publish_template(api, ONBOARDING)
    await wait_for(lambda: _listed(api, "onboarding", version=1), what="version 1 listed")
    first = await submit(api, "onboarding", {"name": "Anna"})
    await wait_for_case(
        api,
        first["id"],
        lambda c: statuses(c).get("employment_contract") == "routed",
        what="v1 case routed",
    )

    v2 = (
        ONBOARDING
        + """\
  - key: mentor
    subcase_type: hr.mentor
    title: {da: Mentor, en: Mentor}
"""
    )
    assert await publish_template(api, v2) == 2
    await wait_for(lambda: _listed(api, "onboarding", version=2), what="version 2 listed")
    second = await submit(api, "onboarding", {"name": "Bo"})
    assert second["template_version"] == 2

    running = (await api.get("/api/v1/templates/onboarding/versions/1/cases", as_="ada")).json()
    assert [c["case_id"] for c in running] == [first["id"]]

    case = (await api.get(f"/api/v1/cases/{first['id']}", as_="rita")).json()
    await resolve(api, subcases(case)["employment_contract"])
    payroll = await wait_for_case(
        api,
        first["id"],
        lambda c: statuses(c)["payroll_setup"] == "routed",
        what="v1 payroll routed",
    )
    await resolve(api, subcases(payroll)["payroll_setup"])
    finished = await wait_for_case(
        api, first["id"], lambda c: c["status"] == "completed", what="the v1 case to complete"
    )
    assert set(statuses(finished)) == {"employment_contract", "payroll_setup"}
    newer = await wait_for_case(
        api,
        second["id"],
        lambda c: "mentor" in statuses(c),
        what="the v2 case to open its mentor sub-case",
    )
    assert newer["template_version"] == 2


async def _listed(api: Api, key: str, version: int | None = None) -> bool:
    types = (await api.get("/api/v1/event-types", as_="rita")).json()
    return any(t["key"] == key and version in (None, t["version"]) for t in types)
