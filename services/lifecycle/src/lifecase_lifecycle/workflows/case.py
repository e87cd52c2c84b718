"""The case workflow: one per case, id ``case-{case_id}``."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from lifecase_lifecycle.activities import LifecycleActivities
    from lifecase_lifecycle.workflows.types import (
        CaseOutcome,
        CasePlan,
        CaseWorkflowInput,
        CompleteCaseInput,
        OpenSubcaseInput,
        PlanCaseInput,
        SubcaseResolvedSignal,
    )

ACTIVITY_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name="CaseWorkflow")
class CaseWorkflow:
    """Expands a case into its sub-cases, waits until each is resolved, completes the case."""

    @workflow.init
    def __init__(self, input: CaseWorkflowInput) -> None:
        self.planned: list[str] = []
        self.opened: set[str] = set()
        self.resolved: set[str] = set()

    @workflow.run
    async def run(self, input: CaseWorkflowInput) -> CaseOutcome:
        plan: CasePlan = await workflow.execute_activity_method(
            LifecycleActivities.plan_case,
            PlanCaseInput(case_id=input.case_id),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self.planned = list(plan.activities)
        await asyncio.gather(*(self._open(input.case_id, key) for key in plan.activities))
        await workflow.wait_condition(lambda: set(self.planned) <= self.resolved)
        await workflow.execute_activity_method(
            LifecycleActivities.complete_case,
            CompleteCaseInput(case_id=input.case_id),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return CaseOutcome(case_id=input.case_id, status="completed")

    async def _open(self, case_id: str, activity: str) -> None:
        await workflow.execute_activity_method(
            LifecycleActivities.open_subcase,
            OpenSubcaseInput(case_id=case_id, activity=activity),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self.opened.add(activity)

    @workflow.signal(name="subcase_resolved")
    def subcase_resolved(self, signal: SubcaseResolvedSignal) -> None:
        self.resolved.add(signal.activity)

    @workflow.query(name="progress")
    def progress(self) -> dict[str, list[str]]:
        return {
            "planned": self.planned,
            "opened": sorted(self.opened),
            "resolved": sorted(self.resolved),
        }
