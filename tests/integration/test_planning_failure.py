"""A case whose data cannot be planned (here one stored before intake refused impossible
dates: it starts in the year 1) is not retried forever: its workflow ends as failed at once,
the case shows as stopped with an explanation, and the reporter is told to act."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from lifecase_contracts.events import CaseSubmitted
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_intake.models import Case
from lifecase_lifecycle.workflows.types import CaseOutcome, workflow_id
from tests.support import Api, hiring_data, wait_for, wait_for_case
from tests.workspace import Lifecycle

pytestmark = pytest.mark.integration


async def _an_old_case_from_the_year_1(system: EmbeddedSystem, nats_url: str) -> str:
    """The case as intake stored it, and its submission as intake published it."""
    case_id, now = str(uuid.uuid4()), datetime.now(UTC)
    data = hiring_data(start_date="0001-01-05")
    async with system.intake.app.state.sessions() as session, session.begin():
        session.add(
            Case(
                id=case_id,
                reporter="rita",
                department=None,
                event_type="hiring",
                template_version=1,
                data=data,
                status="submitted",
                revision=0,
                created_at=now,
                completed_at=None,
                subcases=[],
                timeline=[],
            )
        )
    submitted = CaseSubmitted(
        case_id=case_id,
        event_type="hiring",
        template_version=1,
        reporter="rita",
        department=None,
        data=data,
        submitted_at=now,
    )
    await Lifecycle(nats_url).publish(submitted)
    return case_id


async def test_a_case_that_cannot_be_planned_stops_and_the_reporter_is_told(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    case_id = await _an_old_case_from_the_year_1(system, system_config.nats_url)

    assert system.lifecycle.temporal is not None
    handle = system.lifecycle.temporal.get_workflow_handle(
        workflow_id(case_id), result_type=CaseOutcome
    )

    async def outcome() -> Any:
        try:
            return await handle.result(rpc_timeout=None)
        except Exception:
            return None

    finished = await wait_for(outcome, what="the workflow to give up on the case")
    assert finished.status == "failed"
    history = await handle.fetch_history()
    attempts = [e for e in history.events if e.HasField("activity_task_started_event_attributes")]
    assert len(attempts) <= 2, "a planning failure must not be retried"  # plan + finish

    stopped = await wait_for_case(
        api, case_id, lambda c: c["status"] == "failed", what="the case to show as stopped"
    )
    assert any("could not be planned" in t["text"]["en"] for t in stopped["timeline"]), stopped

    async def told() -> list[dict[str, Any]] | None:
        notes = (
            await api.get("/api/v1/notifications", as_="rita", headers={"Accept-Language": "en"})
        ).json()
        return [n for n in notes if n["kind"] == "case_planning_failed"] or None

    [notice] = await wait_for(told, what="the reporter to be told")
    assert notice["action_required"] is True
    assert "File it again" in notice["text"]
