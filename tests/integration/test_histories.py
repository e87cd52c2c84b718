"""One case per catalogue template runs to its end on the real Temporal server; its history
must replay on the current workflow code and must hold no personal data. With
``LIFECASE_RECORD_HISTORIES=1`` the histories are written to ``tests/replay/histories/``,
where ``tests/unit/test_replay.py`` replays them on every run: a workflow change that would
break running cases fails the suite (guard such changes with ``workflow.patched``)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.worker import Replayer

from lifecase_embedded.system import EmbeddedSystem
from lifecase_lifecycle.workflows import DATA_CONVERTER
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import CaseOutcome, workflow_id
from tests.support import (
    Api,
    days_ahead,
    hiring_data,
    resolve,
    statuses,
    submit,
    wait_for,
    wait_for_case,
)

pytestmark = pytest.mark.integration

HISTORIES = Path(__file__).parents[1] / "replay" / "histories"
PERSONAL = [
    "Mette Hansen",
    "0101901234",
    "Sara Jensen",
    "0202891234",
    "Ole Jensen",
    "0303881234",
    "Kandidaten",
]


async def resolve_until_done(api: Api, case_id: str) -> None:
    """Resolve whatever is routed until the case's workflow has nothing left open (each
    sub-case once: the reporter's view may show one as routed a moment after it was
    resolved)."""
    resolved: set[str] = set()

    async def step() -> bool:
        case = (await api.get(f"/api/v1/cases/{case_id}", as_="rita")).json()
        for sub in case["subcases"]:
            if sub["status"] == "routed" and sub["id"] not in resolved:
                await resolve(api, sub)
                resolved.add(sub["id"])
        return all(s not in ("routed", "open", "scheduled") for s in statuses(case).values())

    await wait_for(step, timeout=60, interval=0.2, what=f"case {case_id} to be worked off")


async def hiring_completed(api: Api) -> str:
    case = await submit(api, "hiring", hiring_data())
    await wait_for_case(api, case["id"], lambda c: len(c["subcases"]) == 5, what="5 sub-cases")
    await resolve_until_done(api, case["id"])
    return str(case["id"])


async def hiring_rescheduled_then_withdrawn(api: Api) -> str:
    case = await submit(api, "hiring", hiring_data(start_date=days_ahead(60)))
    await wait_for_case(
        api,
        case["id"],
        lambda c: (
            statuses(c).get("welcome_package") == "scheduled"
            and statuses(c).get("employment_contract") == "routed"
        ),
        what="the plan",
    )
    moved = await api.client.patch(
        f"/api/v1/cases/{case['id']}",
        headers=api.headers("rita"),
        json={"data": {"start_date": days_ahead(7)}},
    )
    assert moved.status_code == 200
    routed = await wait_for_case(
        api,
        case["id"],
        lambda c: len(c["subcases"]) == 5 and all(s == "routed" for s in statuses(c).values()),
        what="everything open after the move",
    )
    await resolve(api, next(s for s in routed["subcases"] if s["activity"] == "access_card"))
    await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c)["access_card"] == "resolved",
        what="the access card resolved",
    )
    withdrawn = await api.post(
        f"/api/v1/cases/{case['id']}/withdraw",
        as_="rita",
        json={"reason": "Kandidaten takkede nej"},
    )
    assert withdrawn.status_code == 200
    await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c).get("revoke_access_card") == "routed",
        what="the follow-up",
    )
    await resolve_until_done(api, case["id"])
    return str(case["id"])


async def parental_leave_with_partner(api: Api) -> str:
    case = await submit(
        api,
        "parental_leave",
        {
            "employee_name": "Sara Jensen",
            "cpr": "0202891234",
            "department": "Rådhuset",
            "expected_birth_date": days_ahead(5),
            "leave_periods": [
                {"start": days_ahead(-1), "end": days_ahead(100)},
                {"start": days_ahead(-1), "end": days_ahead(200)},
            ],
            "partner_employed": True,
            "partner_name": "Ole Jensen",
            "partner_cpr": "0303881234",
            "partner_department": "Vej og Park",
            "partner_leave_periods": [{"start": days_ahead(5), "end": days_ahead(60)}],
        },
    )
    await wait_for_case(api, case["id"], lambda c: len(c["subcases"]) == 8, what="8 sub-cases")
    await resolve_until_done(api, case["id"])
    return str(case["id"])


async def termination_without_equipment(api: Api) -> str:
    case = await submit(
        api,
        "termination",
        {
            "employee_name": "Mette Hansen",
            "cpr": "0101901234",
            "department": "Rådhuset",
            "last_working_day": days_ahead(-1),
            "reason": "resignation",
            "has_it_equipment": False,
        },
    )
    await wait_for_case(api, case["id"], lambda c: len(c["subcases"]) == 4, what="4 sub-cases")
    await resolve_until_done(api, case["id"])
    return str(case["id"])


async def leave_of_absence_for_care(api: Api) -> str:
    case = await submit(
        api,
        "leave_of_absence",
        {
            "employee_name": "Mette Hansen",
            "cpr": "0101901234",
            "department": "Rådhuset",
            "leave_type": "care",
            "leave_start": days_ahead(-1),
            "leave_end": days_ahead(10),
            "keeps_access": False,
        },
    )
    await wait_for_case(api, case["id"], lambda c: len(c["subcases"]) == 3, what="3 sub-cases")
    await resolve_until_done(api, case["id"])
    return str(case["id"])


SCENARIOS: dict[str, Callable[[Api], Awaitable[str]]] = {
    "hiring-completed": hiring_completed,
    "hiring-rescheduled-then-withdrawn": hiring_rescheduled_then_withdrawn,
    "parental-leave-with-partner": parental_leave_with_partner,
    "termination-without-equipment": termination_without_equipment,
    "leave-of-absence-for-care": leave_of_absence_for_care,
}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # histories need no second DB
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_a_finished_case_replays_and_its_history_holds_no_personal_data(
    api: Api, system: EmbeddedSystem, scenario: str
) -> None:
    case_id = await SCENARIOS[scenario](api)
    assert system.lifecycle.temporal is not None
    handle = system.lifecycle.temporal.get_workflow_handle(
        workflow_id(case_id), result_type=CaseOutcome
    )
    outcome: Any = await handle.result()
    assert outcome.status in ("completed", "withdrawn")
    history = await handle.fetch_history()
    await Replayer(workflows=[CaseWorkflow], data_converter=DATA_CONVERTER).replay_workflow(history)
    text = history.to_json()
    for value in PERSONAL:
        assert value not in text, f"personal data in the workflow history: {value[:3]}…"
    if os.environ.get("LIFECASE_RECORD_HISTORIES"):
        HISTORIES.mkdir(parents=True, exist_ok=True)
        (HISTORIES / f"{scenario}.json").write_text(text, encoding="utf-8")
