"""Activities of the case workflow: they read the lifecycle database, evaluate the template
against the case's data, and publish events. The workflow never sees the data itself.

Every publish uses an event id derived from what it says, so a retried activity never
publishes twice (JetStream drops the duplicate).

Failures fall in two kinds. Those a retry can mend (the database or NATS away for a while)
are raised as they are, and Temporal retries them within the workflow's bounded policy.
Those no retry can mend (the case is not there, its template version is missing, the template
lacks the step, the data does not fit the step) are raised as non-retryable
``ApplicationError``s whose message says what is wrong (the workflow adds the step), never the data:
histories must stay free of personal data."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, date, datetime, time
from typing import Any, ParamSpec, TypeVar

from pydantic import ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lifecase_contracts.events import (
    CaseCompleted,
    CasePlanningFailed,
    EventData,
    SubcaseCancelled,
    SubcaseDueDateChanged,
    SubcaseOpened,
    SubcaseScheduled,
    derived_id,
)
from lifecase_lifecycle import service
from lifecase_lifecycle.models import CaseInput, TemplateVersion
from lifecase_lifecycle.templates import Activity, FollowUp, Template, due_date, plan
from lifecase_lifecycle.workflows.types import (
    CANNOT_PROCEED,
    CASE_NOT_FOUND,
    PLANNING_FAILED,
    AnnounceScheduledInput,
    CancelSubcaseInput,
    CasePlan,
    CaseStarted,
    FinishCaseInput,
    MarkStuckInput,
    MoveDueDateInput,
    OpenSubcaseInput,
    OpenWaveInput,
    PlanCaseInput,
    PlannedStep,
    StartCaseInput,
    WaveOpened,
    first_steps,
)
from lifecase_platform.db import SessionFactory
from lifecase_platform.errors import DomainError, type_name
from lifecase_platform.messaging import Publisher
from lifecase_platform.metrics import SUBCASES_OPENED
from lifecase_platform.workdays import DANISH_TIME

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def subcase_id(case_id: str, activity_key: str) -> str:
    return derived_id("subcase", case_id, activity_key)


def opening_moment(day: date) -> datetime:
    """Sub-cases due to open on a day open at midnight, Danish time."""
    return datetime.combine(day, time(0, 0), DANISH_TIME).astimezone(UTC)


def permanent_failures(
    step: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """An activity whose failures no retry can mend raise non-retryable errors."""

    @functools.wraps(step)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with _cannot_proceed(step.__name__):
            return await step(*args, **kwargs)

    return run


@contextlib.contextmanager
def _cannot_proceed(step: str) -> Iterator[None]:
    """Raise failures no retry can mend as non-retryable errors. The cause is not chained: its
    text may quote the case's data, and the error is kept in the workflow's history."""
    try:
        yield
    except ApplicationError:
        raise
    except service.CaseNotFound:
        raise ApplicationError(
            "the case is not in the lifecycle database",
            type=CASE_NOT_FOUND,
            non_retryable=True,
        ) from None
    except service.TemplateVersionMissing as error:
        raise ApplicationError(str(error), type=CANNOT_PROCEED, non_retryable=True) from None
    except KeyError as error:
        raise ApplicationError(
            f"{error.args[0]!r} is missing", type=CANNOT_PROCEED, non_retryable=True
        ) from None
    except DomainError as error:
        # Its text is written for people and never quotes the case's data.
        raise ApplicationError(
            str(error), type=type_name(error), non_retryable=error.permanent
        ) from None
    except (LookupError, ValueError, TypeError, ArithmeticError, ValidationError) as error:
        log.warning("activity cannot proceed", extra={"step": step, "error": type(error).__name__})
        raise ApplicationError(
            f"cannot use the case's data ({type(error).__name__})",
            type=CANNOT_PROCEED,
            non_retryable=True,
        ) from None


class LifecycleActivities:
    def __init__(self, *, sessions: SessionFactory, publisher: Publisher) -> None:
        self.sessions = sessions
        self.publisher = publisher
        self.templates = service.PinnedTemplates()

    async def _load(self, case_id: str) -> tuple[CaseInput, Template]:
        async with self.sessions() as session:
            return await service.load_case(
                session=session, case_id=case_id, templates=self.templates
            )

    async def _publish_each(
        self, step: str, events: dict[str, Callable[[], tuple[EventData, str, str]]]
    ) -> dict[str, str]:
        """Build each sub-case's event and publish them all at once. Those whose event cannot
        be built from the case's data are left out: sub-case -> why (no personal data)."""
        built: list[tuple[EventData, str, str]] = []
        failed: dict[str, str] = {}
        for key, build in events.items():
            try:
                with _cannot_proceed(step):
                    built.append(build())
            except ApplicationError as error:
                failed[key] = error.message
        stored = await asyncio.gather(
            *(self.publisher.publish(event, id=id, subject=subject) for event, id, subject in built)
        )
        for (event, _, _), new in zip(built, stored, strict=True):
            _count_opened(event, new)
        return failed

    async def _activity(self, case: CaseInput, template: Template, key: str) -> Activity:
        """An activity of the case's template; one the case's new version no longer has is
        read in the version it was moved from (to cancel it under its own title)."""
        try:
            return template.activity(key)
        except KeyError:
            if case.previous_version is None:
                raise
        async with self.sessions() as session:
            found = await session.get(TemplateVersion, (case.template_key, case.previous_version))
        if found is None:
            raise KeyError(key)
        before = Template.model_validate(found.definition)
        base, _, row = key.rpartition("_")
        if key not in {a.key for a in before.activities} and row.isdigit():
            return before.activity(base)  # a row of a repeatable group: the row's activity
        return before.activity(key)

    @activity.defn(name="plan_case")
    @permanent_failures
    async def plan_case(self, input: PlanCaseInput) -> CasePlan:
        """Which activities this case's data calls for, what each waits for, and when."""
        case, template = await self._load(input.case_id)
        return _plan(case, template)

    @activity.defn(name="start_case")
    @permanent_failures
    async def start_case(self, input: StartCaseInput) -> CaseStarted:
        """A new case in one step: plan it, open the sub-cases that are due at once and
        announce those that wait (``first_steps`` decides which, at the workflow's time).
        Every event id is derived, so a retried attempt publishes nothing twice."""
        case, template = await self._load(input.case_id)
        plan = _plan(case, template)
        now = datetime.fromisoformat(input.now)
        due, waiting = first_steps(plan.steps, now)
        steps = {step.key: step for step in plan.steps}
        opened_on = now.date().isoformat()
        failed = await self._publish_each(
            "start_case",
            {
                **{
                    key: functools.partial(_opened, case, template, key, opened_on, False)
                    for key in due
                },
                **{
                    key: functools.partial(
                        _scheduled, case, template, key, steps[key].opens_on, list(steps[key].after)
                    )
                    for key in waiting
                },
            },
        )
        return CaseStarted(
            plan=plan,
            opened=[k for k in due if k not in failed],
            announced=[k for k in waiting if k not in failed],
            failed=failed,
        )

    @activity.defn(name="announce_scheduled")
    @permanent_failures
    async def announce_scheduled(self, input: AnnounceScheduledInput) -> None:
        """Publish ``lifecase.subcase.scheduled``: the sub-case will open later."""
        case, template = await self._load(input.case_id)
        event, id, subject = _scheduled(
            case, template, input.activity, input.opens_on, input.waits_for
        )
        await self.publisher.publish(event, id=id, subject=subject)

    @activity.defn(name="open_subcase")
    @permanent_failures
    async def open_subcase(self, input: OpenSubcaseInput) -> None:
        """Publish ``lifecase.subcase.opened`` with only the fields this unit may see."""
        case, template = await self._load(input.case_id)
        event, id, subject = _opened(
            case, template, input.activity, input.opened_on, input.follow_up
        )
        _count_opened(event, await self.publisher.publish(event, id=id, subject=subject))

    @activity.defn(name="open_wave")
    @permanent_failures
    async def open_wave(self, input: OpenWaveInput) -> WaveOpened:
        """Open the sub-cases that are due together: one load of the case, one publish of
        each ``lifecase.subcase.opened``, all in flight at once. A sub-case whose event cannot
        be built from the case's data is left out and named in the result (the workflow
        opens it on its own); failures any retry may mend fail the whole wave, which is
        retried as a whole (every event id is derived, so nothing is published twice)."""
        case, template = await self._load(input.case_id)
        failed = await self._publish_each(
            "open_wave",
            {
                key: functools.partial(
                    _opened, case, template, key, input.opened_on, input.follow_up
                )
                for key in input.activities
            },
        )
        return WaveOpened(failed=failed)

    @activity.defn(name="cancel_subcase")
    @permanent_failures
    async def cancel_subcase(self, input: CancelSubcaseInput) -> None:
        """Publish ``lifecase.subcase.cancelled`` with the reason."""
        case, template = await self._load(input.case_id)
        spec = await self._activity(case, template, input.activity)
        event = SubcaseCancelled(
            case_id=case.case_id,
            subcase_id=subcase_id(case.case_id, spec.key),
            activity=spec.key,
            title=spec.title,
            reason=input.reason,
            reporter=case.reporter,
        )
        await self.publisher.publish(
            event,
            subject=case.case_id,
            id=derived_id("subcase-cancelled", case.case_id, spec.key, case.revision, input.reason),
        )

    @activity.defn(name="move_due_date")
    @permanent_failures
    async def move_due_date(self, input: MoveDueDateInput) -> None:
        """Publish ``lifecase.subcase.due_date_changed`` for an open sub-case after a
        reschedule (its unit is told through the event)."""
        case, template = await self._load(input.case_id)
        spec = template.activity(input.activity)
        event = SubcaseDueDateChanged(
            case_id=case.case_id,
            subcase_id=subcase_id(case.case_id, spec.key),
            activity=spec.key,
            due_date=due_date(spec.due, case.data, date.fromisoformat(input.opened_on)),
            reason="rescheduled",
            reporter=case.reporter,
        )
        await self.publisher.publish(
            event,
            subject=case.case_id,
            id=derived_id(
                "subcase-due-date", case.case_id, spec.key, input.revision, case.template_version
            ),
        )

    @activity.defn(name="finish_case")
    @permanent_failures
    async def finish_case(self, input: FinishCaseInput) -> None:
        """Record how the case ended; publish ``lifecase.case.completed`` if it completed."""
        async with self.sessions() as session, session.begin():
            case = await service.set_case_status(
                session=session, case_id=input.case_id, status=input.status
            )
        if input.status == "failed":
            failed = CasePlanningFailed(
                case_id=case.case_id,
                event_type=case.template_key,
                reporter=case.reporter,
                failed_at=datetime.now(UTC),
            )
            await self.publisher.publish(
                failed, subject=case.case_id, id=derived_id("case-failed", case.case_id)
            )
        if input.status == "completed":
            event = CaseCompleted(
                case_id=case.case_id,
                event_type=case.template_key,
                reporter=case.reporter,
                completed_at=datetime.now(UTC),
            )
            await self.publisher.publish(
                event, subject=case.case_id, id=derived_id("case-completed", case.case_id)
            )

    @activity.defn(name="mark_stuck")
    async def mark_stuck(self, input: MarkStuckInput) -> None:
        """Record why the case cannot proceed (or that it proceeds again), for the operators'
        list of stuck cases."""
        async with self.sessions() as session, session.begin():
            await service.set_stuck(session=session, case_id=input.case_id, reason=input.reason)

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.plan_case,
            self.start_case,
            self.announce_scheduled,
            self.open_subcase,
            self.open_wave,
            self.cancel_subcase,
            self.move_due_date,
            self.finish_case,
            self.mark_stuck,
        ]


def _opened(
    case: CaseInput, template: Template, key: str, opened_on: str, follow_up: bool
) -> tuple[SubcaseOpened, str, str]:
    """The ``lifecase.subcase.opened`` event of one sub-case (only the fields its unit may
    see), with its derived id and its subject."""
    spec: Activity | FollowUp = template.follow_up(key) if follow_up else template.activity(key)
    event = SubcaseOpened(
        case_id=case.case_id,
        subcase_id=subcase_id(case.case_id, spec.key),
        activity=spec.key,
        subcase_type=spec.subcase_type,
        title=spec.title,
        unit_hint=spec.unit_hint,
        fields={k: case.data[k] for k in spec.carries if k in case.data},
        due_date=due_date(spec.due, case.data, date.fromisoformat(opened_on)),
        reporter=case.reporter,
        department=case.department,
        case_number=case.case_number,
        reporter_name=case.reporter_name,
    )
    return event, derived_id("subcase-opened", case.case_id, spec.key), case.case_id


def _plan(case: CaseInput, template: Template) -> CasePlan:
    try:
        planned = plan(template, case.data)
    except (ValueError, OverflowError, TypeError, KeyError):
        # The same data fails the same way on every attempt: no retry can help.
        raise ApplicationError(
            "the case's data cannot be planned", type=PLANNING_FAILED, non_retryable=True
        ) from None
    steps = [
        PlannedStep(
            key=p.key,
            included=p.included,
            after=list(p.after),
            opens_at=opening_moment(p.opens_on).isoformat() if p.opens_on else None,
            opens_on=p.opens_on.isoformat() if p.opens_on else None,
        )
        for p in planned
    ]
    return CasePlan(steps=steps, follow_ups={f.key: f.if_resolved for f in template.on_withdraw})


def _scheduled(
    case: CaseInput, template: Template, key: str, opens_on: str | None, waits_for: list[str]
) -> tuple[SubcaseScheduled, str, str]:
    """The ``lifecase.subcase.scheduled`` event of a sub-case that opens later."""
    spec = template.activity(key)
    event = SubcaseScheduled(
        case_id=case.case_id,
        subcase_id=subcase_id(case.case_id, spec.key),
        activity=spec.key,
        title=spec.title,
        opens_on=date.fromisoformat(opens_on) if opens_on else None,
        waits_for=waits_for,
        reporter=case.reporter,
    )
    id = derived_id("subcase-scheduled", case.case_id, spec.key, opens_on, *waits_for)
    return event, id, case.case_id


def _count_opened(event: EventData, new: bool) -> None:
    """Count a sub-case opened, once: a retried attempt's repeat publish is a duplicate."""
    if new and isinstance(event, SubcaseOpened):
        SUBCASES_OPENED.add(1)
