"""One dataclass per workflow and activity input and result. None of them holds personal data:
workflow histories carry case ids, activity keys, dates and outcomes only. Dates travel as
ISO strings (``YYYY-MM-DD``), moments as ISO strings in UTC.

The annotations here are evaluated when the classes are defined (no ``from __future__ import
annotations``): Temporal's converter reads each dataclass's type hints for every payload it
decodes, and resolving them from strings doubled the cost of decoding a case's plan."""

from dataclasses import dataclass, field
from datetime import datetime

from lifecase_contracts.statuses import CaseEnding

# ApplicationError types the activities raise for failures no retry can mend (not retried):
# a case whose data cannot be planned (the case fails and the reporter is told) ...
PLANNING_FAILED = "PlanningFailed"
# ... a case whose input is not in the database (the workflow fails: there is nothing to do) ...
CASE_NOT_FOUND = "CaseNotFound"
# ... and a step that cannot be taken as things are (a missing template version, an activity
# the template lacks, data a step cannot use): the case waits, stuck, for an operator.
CANNOT_PROCEED = "CannotProceed"


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@dataclass(frozen=True)
class CaseWorkflowInput:
    case_id: str


@dataclass(frozen=True)
class CaseOutcome:
    case_id: str
    status: CaseEnding
    activities: dict[str, str] = field(default_factory=dict)  # key -> final state


@dataclass(frozen=True)
class PlanCaseInput:
    case_id: str


@dataclass(frozen=True)
class PlannedStep:
    key: str
    included: bool
    after: list[str]
    opens_at: str | None  # ISO moment in UTC; None: no date trigger
    opens_on: str | None


@dataclass(frozen=True)
class CasePlan:
    steps: list[PlannedStep]
    follow_ups: dict[str, str]  # follow-up key -> the activity whose resolution calls for it


@dataclass(frozen=True)
class StartCaseInput:
    """Plan a new case and take its first steps at ``now`` (the workflow's time, ISO)."""

    case_id: str
    now: str


@dataclass(frozen=True)
class CaseStarted:
    """The plan, which sub-cases opened at once and which were announced as waiting, and
    those that could not be opened or announced (step -> why, no personal data): the
    workflow takes each of those on its own, so that only that step waits stuck."""

    plan: CasePlan
    opened: list[str]
    announced: list[str]
    failed: dict[str, str] = field(default_factory=dict)


def first_steps(steps: list[PlannedStep], now: datetime) -> tuple[list[str], list[str]]:
    """Of a new case's planned steps, those that open at ``now`` (everything they wait for
    is skipped, and their date has come) and those that wait (for a date or another step).
    The same rules as the workflow's own, for a case with nothing done yet."""
    skipped = {s.key for s in steps if not s.included}
    due: list[str] = []
    waiting: list[str] = []
    for step in steps:
        if not step.included:
            continue
        dated = step.opens_at is not None and datetime.fromisoformat(step.opens_at) > now
        if dated or any(k not in skipped for k in step.after):
            waiting.append(step.key)
        else:
            due.append(step.key)
    return due, waiting


@dataclass(frozen=True)
class OpenSubcaseInput:
    case_id: str
    activity: str
    opened_on: str
    follow_up: bool = False


@dataclass(frozen=True)
class OpenWaveInput:
    """Sub-cases that are due together, opened by one activity."""

    case_id: str
    activities: list[str]
    opened_on: str
    follow_up: bool = False


@dataclass(frozen=True)
class WaveOpened:
    """Which of a wave's sub-cases could not be opened, and why (no personal data): the
    workflow opens each of those on its own, so only that step waits stuck."""

    failed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AnnounceScheduledInput:
    case_id: str
    activity: str
    opens_on: str | None
    waits_for: list[str]


@dataclass(frozen=True)
class CancelSubcaseInput:
    case_id: str
    activity: str
    reason: (
        str  # condition_no_longer_holds | withdrawn | prerequisite_not_done | not_in_new_version
    )


@dataclass(frozen=True)
class MoveDueDateInput:
    case_id: str
    activity: str
    opened_on: str
    revision: int


@dataclass(frozen=True)
class FinishCaseInput:
    case_id: str
    status: CaseEnding


@dataclass(frozen=True)
class SubcaseClosedSignal:
    activity: str
    outcome: str  # resolved | rejected


@dataclass(frozen=True)
class RescheduledSignal:
    revision: int


@dataclass(frozen=True)
class MigratedSignal:
    """The case now runs on ``version`` of its template: re-plan it, cancel what the new
    version no longer has (unless already done) and open or announce what it adds."""

    version: int


@dataclass(frozen=True)
class WithdrawSignal:
    """The reporter withdrew the case. The reason stays with intake: it is free text and may
    name people, so it never enters the workflow's history."""


@dataclass(frozen=True)
class MarkStuckInput:
    case_id: str
    reason: str | None  # None: the case proceeds again


@dataclass(frozen=True)
class RetrySignal:
    """An operator asks the stuck steps to be tried again. Who asked is in the access log,
    not in the workflow's history."""
