"""The case workflow: one per case, id ``case-{case_id}``.

Each activity of the case's pinned template moves through
``pending → open → resolved | rejected | cancelled``, or is ``skipped`` when its condition does
not hold. A pending activity opens when everything it waits for is resolved (or skipped) and
its date has come; durable timers wait for dates, nothing polls. Reschedule re-plans from the
case's new data; withdraw cancels open work and opens the template's follow-ups for work that
was already done. A case whose data cannot be planned at all (the activity says so, and is not
retried) ends as ``failed``, and the reporter is told.

Failures end. An activity is retried with backoff for a few minutes (``RETRY``); one that
still fails, or fails in a way no retry can mend, leaves the case **stuck**: the reason is
recorded for the operators (``mark_stuck``; the ``stuck`` query answers it too) and the step
waits for an operator's ``retry`` signal. A step that failed for lack of an engine is also
tried again by itself every ``STUCK_RETRY_AFTER``. A case whose input is not there at all
fails the workflow, with that reason.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, RetryState

with workflow.unsafe.imports_passed_through():
    from lifecase_contracts.statuses import CaseEnding
    from lifecase_lifecycle.activities import LifecycleActivities
    from lifecase_lifecycle.workflows.types import (
        CASE_NOT_FOUND,
        PLANNING_FAILED,
        AnnounceScheduledInput,
        CancelSubcaseInput,
        CaseOutcome,
        CaseStarted,
        CaseWorkflowInput,
        FinishCaseInput,
        MarkStuckInput,
        MigratedSignal,
        MoveDueDateInput,
        OpenSubcaseInput,
        OpenWaveInput,
        PlanCaseInput,
        PlannedStep,
        RescheduledSignal,
        RetrySignal,
        StartCaseInput,
        SubcaseClosedSignal,
        WaveOpened,
        WithdrawSignal,
    )

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# About four minutes of attempts (1, 2, 4 ... 30 s apart) before the case is marked stuck.
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=12,
)
# Recording a stuck case must not itself leave the workflow stuck: a few tries, then the
# reason is still answered by the ``stuck`` query.
MARK_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5)
STUCK_RETRY_AFTER = timedelta(minutes=10)
# Patch: sub-cases due together open in one activity (``open_wave``), not one each.
OPEN_WAVE = "open-wave"
# Patch: a new case is planned, its first sub-cases opened and the waiting ones announced in
# one activity (``start_case``), not in a plan and then an activity per step.
START_CASE = "start-case"
# Patch: a sub-case resolved before the workflow learnt that ``start_case`` had opened it (its
# event was out, a robot was quick) counts once the opening is known, instead of being lost.
CLOSED_EARLY = "closed-early"
# Patch: after a move to a newer template version, the steps the new plan no longer has are
# cancelled (open or pending) or kept (done), instead of lingering.
MIGRATION = "template-migration"
ArgT = TypeVar("ArgT")
CLOSED = frozenset({"resolved", "rejected", "cancelled", "skipped"})
DONE = frozenset({"resolved", "skipped"})


@workflow.defn(name="CaseWorkflow")
class CaseWorkflow:
    """Expands a case into its sub-cases and sees each through, until the case is done."""

    @workflow.init
    def __init__(self, input: CaseWorkflowInput) -> None:
        self.case_id = input.case_id
        self.steps: dict[str, PlannedStep] = {}
        self.state: dict[str, str] = {}
        self.opened_on: dict[str, str] = {}
        self.follow_ups: dict[str, str] = {}
        self.revision = 0
        self.planned_revision = -1
        # The template version the case was last moved to (``migrated``; 0: never moved).
        self.version = 0
        self.planned_version = 0
        self.withdrawn = False
        self.changed = False
        self.stuck: dict[str, str] = {}  # step -> why it cannot proceed
        # Closings signalled for steps not (yet) known to be open: step -> outcome.
        self.closed_early: dict[str, str] = {}
        self.retries = 0  # operators' retry signals so far
        self.marking = asyncio.Lock()

    @workflow.run
    async def run(self, input: CaseWorkflowInput) -> CaseOutcome:
        while True:
            if self.withdrawn:
                await self._withdraw()
                return await self._finish("withdrawn")
            try:
                if (
                    self.planned_revision < self.revision
                    or self.planned_version != self.version
                    or not self.steps
                ):
                    if not await self._plan():
                        return await self._finish("failed")
                    continue
                await self._open_what_is_due()
            except _Abandoned:
                continue  # withdrawn while a step was stuck: the withdrawal comes first
            if all(self.state[k] in CLOSED for k in self.steps):
                return await self._finish("completed")
            self.changed = False
            with contextlib.suppress(TimeoutError):  # a date has come
                await workflow.wait_condition(lambda: self.changed, timeout=self._next_date())

    async def _plan(self) -> bool:
        """Plan (or re-plan) the case; False when its data cannot be planned at all."""
        revision, version = self.revision, self.version
        if not self.steps and workflow.patched(START_CASE):
            return await self._start(revision)
        try:
            plan = await self._call(
                LifecycleActivities.plan_case, PlanCaseInput(case_id=self.case_id), "plan_case"
            )
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type == PLANNING_FAILED:
                return False
            raise
        first = not self.steps
        self.follow_ups = plan.follow_ups
        self.planned_revision = revision
        self.planned_version = version
        work = []
        planned = {step.key for step in plan.steps}
        gone = [key for key in self.steps if key not in planned]
        if gone and workflow.patched(MIGRATION):
            for key in gone:
                del self.steps[key]
                if self.state[key] in ("pending", "open"):
                    work.append(self._cancel(key, "not_in_new_version"))
        for step in plan.steps:
            before = self.steps.get(step.key)
            self.steps[step.key] = step
            state = self.state.setdefault(step.key, "pending" if step.included else "skipped")
            if state == "pending" and not step.included:
                self.state[step.key] = "skipped"
                if not first:
                    work.append(self._cancel(step.key, "condition_no_longer_holds", mark="skipped"))
            elif state == "skipped" and step.included:
                self.state[step.key] = "pending"
                work.append(self._announce(step))
            elif state == "pending" and (first or _moved(before, step)) and self._waits(step):
                work.append(self._announce(step))
            elif state == "open" and not step.included:
                work.append(self._cancel(step.key, "condition_no_longer_holds"))
            elif state == "open" and not first:
                work.append(
                    self._run(
                        LifecycleActivities.move_due_date,
                        MoveDueDateInput(
                            case_id=self.case_id,
                            activity=step.key,
                            opened_on=self.opened_on[step.key],
                            revision=revision,
                        ),
                    )
                )
        await asyncio.gather(*work)
        return True

    async def _start(self, revision: int) -> bool:
        """A new case's first step, in one activity: plan, open what is due at once and
        announce what waits. Steps it could not take are taken one by one, as before."""
        now = workflow.now()
        try:
            started: CaseStarted = await self._call(
                LifecycleActivities.start_case,
                StartCaseInput(case_id=self.case_id, now=now.isoformat()),
                "start_case",
            )
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type == PLANNING_FAILED:
                return False
            raise
        self.follow_ups = started.plan.follow_ups
        self.planned_revision = revision
        for step in started.plan.steps:
            self.steps[step.key] = step
            self.state[step.key] = "pending" if step.included else "skipped"
        for key in started.opened:
            self.state[key] = "open"
            self.opened_on[key] = now.date().isoformat()
            if key in self.closed_early and workflow.patched(CLOSED_EARLY):
                self.state[key] = self.closed_early.pop(key)
        # What could not be announced is announced on its own; what could not be opened
        # stays pending and is opened on its own by ``_open_what_is_due``, right after.
        await asyncio.gather(
            *(
                self._announce(self.steps[key])
                for key in started.failed
                if key in self.steps and self._waits(self.steps[key])
            )
        )
        return True

    async def _open_what_is_due(self) -> None:
        now = workflow.now()
        due: list[str] = []
        for key, step in self.steps.items():
            if self.state[key] != "pending":
                continue
            if any(self.state.get(k) in ("rejected", "cancelled") for k in step.after):
                await self._cancel(key, "prerequisite_not_done")
            elif all(self.state.get(k) in DONE for k in step.after) and (
                step.opens_at is None or _moment(step.opens_at) <= now
            ):
                due.append(key)
        for key in due:
            self.state[key] = "open"
            self.opened_on[key] = now.date().isoformat()
        await self._open(due, now.date().isoformat())

    async def _open(self, keys: list[str], opened_on: str, *, follow_up: bool = False) -> None:
        """Open sub-cases that are due together: one activity for the wave (cases started
        before waves existed replay one activity per sub-case)."""
        if len(keys) > 1 and workflow.patched(OPEN_WAVE):
            wave: WaveOpened = await self._call(
                LifecycleActivities.open_wave,
                OpenWaveInput(
                    case_id=self.case_id, activities=keys, opened_on=opened_on, follow_up=follow_up
                ),
                "open_wave",
            )
            keys = [key for key in keys if key in wave.failed]
        await asyncio.gather(
            *(
                self._run(
                    LifecycleActivities.open_subcase,
                    OpenSubcaseInput(
                        case_id=self.case_id,
                        activity=key,
                        opened_on=opened_on,
                        follow_up=follow_up,
                    ),
                )
                for key in keys
            )
        )

    async def _withdraw(self) -> None:
        await asyncio.gather(
            *(
                self._cancel(key, "withdrawn")
                for key, state in self.state.items()
                if state in ("pending", "open")
            )
        )
        wanted = [
            f for f, activity in self.follow_ups.items() if self.state.get(activity) == "resolved"
        ]
        today = workflow.now().date().isoformat()
        for key in wanted:
            self.state[key] = "open"
        await self._open(wanted, today, follow_up=True)
        await workflow.wait_condition(lambda: all(self.state[k] in CLOSED for k in wanted))

    async def _announce(self, step: PlannedStep) -> None:
        await self._run(
            LifecycleActivities.announce_scheduled,
            AnnounceScheduledInput(
                case_id=self.case_id,
                activity=step.key,
                opens_on=step.opens_on,
                waits_for=list(step.after),
            ),
        )

    async def _cancel(self, key: str, reason: str, mark: str = "cancelled") -> None:
        self.state[key] = mark
        await self._run(
            LifecycleActivities.cancel_subcase,
            CancelSubcaseInput(case_id=self.case_id, activity=key, reason=reason),
        )

    async def _finish(self, status: CaseEnding) -> CaseOutcome:
        await self._run(
            LifecycleActivities.finish_case, FinishCaseInput(case_id=self.case_id, status=status)
        )
        return CaseOutcome(case_id=self.case_id, status=status, activities=dict(self.state))

    async def _run(
        self, activity: Callable[[LifecycleActivities, ArgT], Awaitable[None]], arg: ArgT
    ) -> None:
        step = getattr(arg, "activity", None)
        name = getattr(activity, "__name__", "activity")
        await self._call(activity, arg, f"{name} {step}" if step else name)

    async def _call(
        self, activity: Callable[[LifecycleActivities, ArgT], Awaitable[Any]], arg: ArgT, step: str
    ) -> Any:
        """Run an activity until it succeeds, waiting stuck between rounds of its retries."""
        while True:
            try:
                return await workflow.execute_activity_method(
                    activity, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
                )
            except ActivityError as error:
                cause = error.cause
                if isinstance(cause, ApplicationError) and cause.type == PLANNING_FAILED:
                    raise
                if error.retry_state == RetryState.CANCEL_REQUESTED or isinstance(
                    cause, CancelledError
                ):
                    raise  # the workflow itself is being cancelled: not a stuck step
                if isinstance(cause, ApplicationError) and cause.type == CASE_NOT_FOUND:
                    raise ApplicationError(
                        f"the case is not in the lifecycle database ({step})",
                        type=CASE_NOT_FOUND,
                        non_retryable=True,
                    ) from None
                mendable = error.retry_state in (
                    RetryState.MAXIMUM_ATTEMPTS_REACHED,
                    RetryState.TIMEOUT,
                )
                await self._wait_stuck(step, _reason(error), retry_by_itself=mendable)

    async def _wait_stuck(self, step: str, reason: str, *, retry_by_itself: bool) -> None:
        """Stuck: record why, and wait for an operator's retry (or, when an engine was away,
        for ``STUCK_RETRY_AFTER``). A withdrawal that arrives meanwhile abandons the step
        (``_Abandoned``); a step of the withdrawal itself waits for a retry."""
        seen, withdrawn = self.retries, self.withdrawn  # before recording: a retry may follow
        self.stuck[step] = reason
        await self._mark_stuck()
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self.retries > seen or (self.withdrawn and not withdrawn),
                timeout=STUCK_RETRY_AFTER if retry_by_itself else None,
            )
        del self.stuck[step]
        await self._mark_stuck()
        if self.retries == seen and self.withdrawn and not withdrawn:
            raise _Abandoned(step)

    async def _mark_stuck(self) -> None:
        """Record the stuck steps as they are when the write runs. One write at a time, so that
        the last one recorded is the latest state, whatever order parallel steps finish in."""
        async with self.marking:
            await self._record_stuck()

    async def _record_stuck(self) -> None:
        reason = "; ".join(f"{step}: {why}" for step, why in sorted(self.stuck.items())) or None
        try:
            await workflow.execute_activity_method(
                LifecycleActivities.mark_stuck,
                MarkStuckInput(case_id=self.case_id, reason=reason),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=MARK_RETRY,
            )
        except ActivityError:
            workflow.logger.warning("could not record the stuck state")

    def _waits(self, step: PlannedStep) -> bool:
        """Whether the step will not open at once (it is announced as scheduled)."""
        future = step.opens_at is not None and _moment(step.opens_at) > workflow.now()
        return future or any(self.state.get(k) not in DONE for k in step.after)

    def _next_date(self) -> timedelta | None:
        now = workflow.now()
        waiting = [
            _moment(s.opens_at)
            for k, s in self.steps.items()
            if self.state[k] == "pending" and s.opens_at is not None and _moment(s.opens_at) > now
        ]
        return min(waiting) - now if waiting else None

    @workflow.signal(name="subcase_closed")
    def subcase_closed(self, signal: SubcaseClosedSignal) -> None:
        state = self.state.get(signal.activity)
        if state == "open":
            self.state[signal.activity] = signal.outcome
            self.changed = True
        elif state is None:
            # ``start_case`` has published its opening but not yet returned: the sub-case
            # counts as closed once its opening is recorded (``_start``).
            self.closed_early[signal.activity] = signal.outcome

    @workflow.signal(name="rescheduled")
    def rescheduled(self, signal: RescheduledSignal) -> None:
        if signal.revision > self.revision:
            self.revision = signal.revision
            self.changed = True

    @workflow.signal(name="migrated")
    def migrated(self, signal: MigratedSignal) -> None:
        if signal.version != self.version:
            self.version = signal.version
            self.changed = True

    @workflow.signal(name="withdraw")
    def withdraw(self, signal: WithdrawSignal) -> None:
        if not self.withdrawn:
            self.withdrawn = True
            self.changed = True

    @workflow.signal(name="retry")
    def retry(self, signal: RetrySignal) -> None:
        """An operator asks the stuck steps to be tried again."""
        self.retries += 1

    @workflow.query(name="stuck")
    def stuck_reasons(self) -> dict[str, str]:
        return dict(self.stuck)

    @workflow.query(name="progress")
    def progress(self) -> dict[str, str]:
        return dict(self.state)


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _moved(before: PlannedStep | None, after: PlannedStep) -> bool:
    return before is None or (before.opens_at, before.after) != (after.opens_at, after.after)


class _Abandoned(Exception):
    """A stuck step given up because the case was withdrawn meanwhile."""


def _reason(error: ActivityError) -> str:
    """Why an activity failed, without the data: our own non-retryable errors say what they
    are; any other failure is named by its type and how its retries ended."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.non_retryable:
        return cause.message
    kind = cause.type if isinstance(cause, ApplicationError) and cause.type else "failure"
    if error.retry_state == RetryState.TIMEOUT:
        return f"timed out ({kind})"
    return f"still failing after {RETRY.maximum_attempts} attempts ({kind})"
