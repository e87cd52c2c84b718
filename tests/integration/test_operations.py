"""Failures that end, and what an operator does about them: a step no retry can mend leaves
the case stuck with its reason (not retried forever, not silently waiting) until an operator
retries it; a case whose input is missing fails its workflow at once; dead-lettered events can
be listed, replayed and discarded."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import nats
import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError

from lifecase_contracts.events import (
    DEAD_LETTER_PREFIX,
    STREAM_NAME,
    CaseSubmitted,
    Envelope,
    Localized,
    SubcaseOpened,
)
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_lifecycle.models import CaseInput
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import (
    CaseOutcome,
    CaseWorkflowInput,
    WithdrawSignal,
    workflow_id,
)
from tests.support import Api, hiring_data, wait_for
from tests.workspace import Lifecycle, delete

pytestmark = pytest.mark.integration
STUCK = "/api/v1/operations/stuck-cases"
DEAD = "/api/v1/operations/dead-letters"


async def _stuck(api: Api) -> list[dict[str, Any]]:
    response = await api.get(STUCK, as_="ada")
    assert response.status_code == 200, response.text
    return list(response.json())


async def _pinned_to_a_missing_version(system_config: SystemConfig) -> str:
    """A case pinned to a template version this lifecycle does not have."""
    case_id = str(uuid.uuid4())
    await Lifecycle(system_config.nats_url).publish(
        CaseSubmitted(
            case_id=case_id,
            event_type="hiring",
            template_version=99,
            reporter="rita",
            department=None,
            data=hiring_data(),
            submitted_at=datetime.now(UTC),
        )
    )
    return case_id


async def test_a_step_that_cannot_proceed_is_stuck_with_its_reason_until_an_operator_retries(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    case_id = await _pinned_to_a_missing_version(system_config)

    async def listed() -> dict[str, Any] | None:
        return next((c for c in await _stuck(api) if c["case_id"] == case_id), None)

    stuck = await wait_for(listed, what="the case to be listed as stuck")
    # A new case's first step plans it and opens what is due (``start_case``).
    assert stuck["reason"] == "start_case: template hiring v99 is missing"
    assert stuck["template_key"] == "hiring"
    assert stuck["stuck_since"] is not None
    assert "0101901234" not in json.dumps(stuck)

    temporal = system.lifecycle.temporal
    assert temporal is not None
    handle = temporal.get_workflow_handle(workflow_id(case_id))
    history = await handle.fetch_history()
    planned = [
        e
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
        and e.activity_task_scheduled_event_attributes.activity_type.name == "start_case"
    ]
    assert len(planned) == 1, "a failure no retry can mend is not retried"
    started = [e for e in history.events if e.HasField("activity_task_started_event_attributes")]
    assert all(e.activity_task_started_event_attributes.attempt == 1 for e in started)
    assert await handle.query(CaseWorkflow.stuck_reasons) == {
        "start_case": "template hiring v99 is missing"
    }

    # Only administrators see and retry stuck cases.
    assert (await api.get(STUCK, as_="rita")).status_code == 403
    forbidden = await api.post(f"{STUCK}/{case_id}/retry", as_="rita")
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"] == "application/problem+json"

    # The cause is mended (the case is moved to a version that exists); the operator retries.
    async with system.lifecycle.app.state.sessions() as session, session.begin():
        case = await session.get(CaseInput, case_id)
        assert case is not None
        case.template_version = 1
    retried = await api.post(f"{STUCK}/{case_id}/retry", as_="ada")
    assert retried.status_code == 202, retried.text

    async def proceeding() -> dict[str, str] | None:
        progress: dict[str, str] = await handle.query(CaseWorkflow.progress)
        return progress if "open" in progress.values() else None

    await wait_for(proceeding, what="the case to open its sub-cases")

    async def unlisted() -> bool:
        return all(c["case_id"] != case_id for c in await _stuck(api))

    await wait_for(unlisted, what="the case to leave the stuck list")
    assert await handle.query(CaseWorkflow.stuck_reasons) == {}

    again = await api.post(f"{STUCK}/{case_id}/retry", as_="ada")
    assert again.status_code == 409
    unknown = await api.post(f"{STUCK}/{uuid.uuid4()}/retry", as_="ada")
    assert unknown.status_code == 404


async def test_a_stuck_case_can_still_be_withdrawn(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    case_id = await _pinned_to_a_missing_version(system_config)

    async def listed() -> bool:
        return any(c["case_id"] == case_id for c in await _stuck(api))

    await wait_for(listed, what="the case to be listed as stuck")
    temporal = system.lifecycle.temporal
    assert temporal is not None
    handle = temporal.get_workflow_handle(workflow_id(case_id), result_type=CaseOutcome)
    await handle.signal(CaseWorkflow.withdraw, WithdrawSignal())

    outcome = await asyncio.wait_for(handle.result(), timeout=60)
    assert outcome.status == "withdrawn"
    assert all(c["case_id"] != case_id for c in await _stuck(api))


async def test_a_workflow_for_a_case_that_is_not_there_fails_at_once_with_the_reason(
    system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    temporal = system.lifecycle.temporal
    assert temporal is not None
    missing = str(uuid.uuid4())
    handle = await temporal.start_workflow(
        CaseWorkflow.run,
        CaseWorkflowInput(case_id=missing),
        id=workflow_id(missing),
        task_queue=system_config.task_queue,
        execution_timeout=timedelta(minutes=2),
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "CaseNotFound"
    assert "not in the lifecycle database" in cause.message


async def test_dead_letters_are_listed_replayed_and_discarded_by_an_administrator(
    api: Api, system_config: SystemConfig
) -> None:
    nc = await nats.connect(system_config.nats_url)
    try:
        js = nc.jetstream()
        # A poison event: the routing consumer parks it.
        await js.publish(
            SubcaseOpened.TYPE,
            b'{"type": "lifecase.subcase.opened", "data": 1}',
            stream=STREAM_NAME,
        )

        async def poison() -> dict[str, Any] | None:
            page = (await api.get(DEAD, as_="ada")).json()
            return next((d for d in page["items"] if d["consumer"] == "routing"), None)

        parked = await wait_for(poison, what="the poison event to be listed")
        assert parked["subject"] == SubcaseOpened.TYPE
        assert parked["reason"]
        assert parked["event_id"] is None

        # A good event parked earlier (say, its unit did not exist yet): replay routes it.
        subcase_id = str(uuid.uuid4())
        good = Envelope.wrap(
            SubcaseOpened(
                case_id=str(uuid.uuid4()),
                subcase_id=subcase_id,
                activity="payroll_setup",
                subcase_type="payroll.setup",
                title=Localized(da="Lønoprettelse", en="Payroll set-up"),
                unit_hint=None,
                fields={"employee_name": "Mette Hansen"},
                due_date=None,
                reporter="rita",
                department=None,
            ),
            source="lifecase/lifecycle",
            id=str(uuid.uuid4()),
        )
        await js.publish(
            f"{DEAD_LETTER_PREFIX}.routing",
            good.to_json(),
            stream=STREAM_NAME,
            headers={
                "Lifecase-Original-Subject": SubcaseOpened.TYPE,
                "Lifecase-Reason": "exhausted: OperationalError",
            },
        )
        page = (await api.get(DEAD, as_="ada")).json()
        [waiting] = [d for d in page["items"] if d["event_id"] == good.id]
        assert waiting["reason"] == "exhausted: OperationalError"
        assert "Mette" not in json.dumps(page)

        assert (await api.get(DEAD, as_="rita")).status_code == 403
        replayed = await api.post(f"{DEAD}/{waiting['sequence']}/replay", as_="ada")
        assert replayed.status_code == 200, replayed.text

        async def routed() -> bool:
            response = await api.get(f"/api/v1/work-items/{subcase_id}", as_="paula")
            return response.status_code == 200

        await wait_for(routed, what="the replayed event to be routed")

        discarded = await delete(api, f"{DEAD}/{parked['sequence']}", as_="ada")
        assert discarded.status_code == 200, discarded.text
        left = (await api.get(DEAD, as_="ada")).json()["items"]
        assert all(d["sequence"] not in (parked["sequence"], waiting["sequence"]) for d in left)
        gone = await delete(api, f"{DEAD}/{parked['sequence']}", as_="ada")
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"
        assert (
            await api.post(f"{DEAD}/{waiting['sequence']}/replay", as_="ada")
        ).status_code == 404
    finally:
        await nc.close()
