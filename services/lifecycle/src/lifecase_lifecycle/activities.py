"""Activities of the case workflow: they read the lifecycle database and publish events.

Each publish uses an event id derived from the case and activity, so a retried activity
never opens a sub-case twice (JetStream drops the duplicate)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from temporalio import activity

from lifecase_contracts.events import CaseCompleted, SubcaseOpened, derived_id
from lifecase_lifecycle.calendar import add_working_days
from lifecase_lifecycle.service import load_case
from lifecase_lifecycle.workflows.types import (
    CasePlan,
    CompleteCaseInput,
    OpenSubcaseInput,
    PlanCaseInput,
)
from lifecase_platform.db import SessionFactory
from lifecase_platform.messaging import Publisher


def subcase_id(case_id: str, activity_key: str) -> str:
    return derived_id("subcase", case_id, activity_key)


class LifecycleActivities:
    def __init__(self, *, sessions: SessionFactory, publisher: Publisher) -> None:
        self.sessions = sessions
        self.publisher = publisher

    @activity.defn(name="plan_case")
    async def plan_case(self, input: PlanCaseInput) -> CasePlan:
        """The activities this case opens, in template order."""
        async with self.sessions() as session:
            _, template = await load_case(session=session, case_id=input.case_id)
        return CasePlan(activities=[a.key for a in template.activities])

    @activity.defn(name="open_subcase")
    async def open_subcase(self, input: OpenSubcaseInput) -> None:
        """Publish ``lifecase.subcase.opened`` with the fields this unit may see."""
        async with self.sessions() as session:
            case, template = await load_case(session=session, case_id=input.case_id)
        spec = template.activity(input.activity)
        today = datetime.now(UTC).date()
        due: date | None = add_working_days(today, spec.due.working_days) if spec.due else None
        event = SubcaseOpened(
            case_id=case.case_id,
            subcase_id=subcase_id(case.case_id, spec.key),
            activity=spec.key,
            subcase_type=spec.subcase_type,
            title=spec.title,
            unit_hint=spec.unit_hint,
            fields={k: case.data[k] for k in spec.carries if k in case.data},
            due_date=due,
            reporter=case.reporter,
            department=case.department,
        )
        await self.publisher.publish(
            event, id=derived_id("subcase-opened", case.case_id, spec.key), subject=case.case_id
        )

    @activity.defn(name="complete_case")
    async def complete_case(self, input: CompleteCaseInput) -> None:
        """Publish ``lifecase.case.completed``."""
        async with self.sessions() as session:
            case, template = await load_case(session=session, case_id=input.case_id)
        event = CaseCompleted(
            case_id=case.case_id,
            event_type=template.key,
            reporter=case.reporter,
            completed_at=datetime.now(UTC),
        )
        await self.publisher.publish(
            event, id=derived_id("case-completed", case.case_id), subject=case.case_id
        )

    def all(self) -> list[Callable[..., Any]]:
        return [self.plan_case, self.open_subcase, self.complete_case]
