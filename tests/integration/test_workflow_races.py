"""The case workflow against orderings a fast system produces, on the real Temporal server.

``start_case`` publishes the first sub-cases' events before it returns, so a robot (or a quick
caseworker) can resolve a sub-case before the workflow has learnt that it was opened: the
closing signal arrives first. The case must still complete. The activities here stand in for
lifecycle's (same names, no database): what is under test is the workflow's own logic."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from lifecase_lifecycle.workflows import DATA_CONVERTER, workflow_runner
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import (
    CasePlan,
    CaseStarted,
    CaseWorkflowInput,
    FinishCaseInput,
    MarkStuckInput,
    PlannedStep,
    StartCaseInput,
    SubcaseClosedSignal,
    workflow_id,
)

pytestmark = pytest.mark.integration

STEPS = ["payroll", "it_access", "keys"]


class StandIns:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.finished: list[str] = []

    @activity.defn(name="start_case")
    async def start_case(self, input: StartCaseInput) -> CaseStarted:
        # The opening events are out: every sub-case is resolved before this returns.
        handle = self.client.get_workflow_handle(workflow_id(input.case_id))
        for key in STEPS:
            await handle.signal(
                CaseWorkflow.subcase_closed, SubcaseClosedSignal(activity=key, outcome="resolved")
            )
        steps = [PlannedStep(key, True, [], None, None) for key in STEPS]
        return CaseStarted(plan=CasePlan(steps=steps, follow_ups={}), opened=STEPS, announced=[])

    @activity.defn(name="finish_case")
    async def finish_case(self, input: FinishCaseInput) -> None:
        self.finished.append(input.status)

    @activity.defn(name="mark_stuck")
    async def mark_stuck(self, input: MarkStuckInput) -> None:
        raise AssertionError(f"the case got stuck: {input.reason}")


async def test_sub_cases_resolved_before_the_workflow_knew_they_opened_complete_the_case(
    temporal_address: str,
) -> None:
    client = await Client.connect(temporal_address, data_converter=DATA_CONVERTER)
    stand_ins = StandIns(client)
    task_queue = f"races-{uuid.uuid4().hex}"
    case_id = uuid.uuid4().hex
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[CaseWorkflow],
        activities=[stand_ins.start_case, stand_ins.finish_case, stand_ins.mark_stuck],
        workflow_runner=workflow_runner(),
    ):
        outcome = await client.execute_workflow(
            CaseWorkflow.run,
            CaseWorkflowInput(case_id=case_id),
            id=workflow_id(case_id),
            task_queue=task_queue,
            execution_timeout=timedelta(seconds=20),
        )
    assert outcome.status == "completed"
    assert outcome.activities == dict.fromkeys(STEPS, "resolved")
    assert stand_ins.finished == ["completed"]
