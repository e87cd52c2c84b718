"""One dataclass per workflow and activity input and result. None of them holds personal data:
workflow histories carry case ids, activity keys, dates and outcomes only. Dates travel as
ISO strings (``YYYY-MM-DD``), moments as ISO strings in UTC."""

from __future__ import annotations

from dataclasses import dataclass, field

# The ApplicationError type of a case whose data cannot be planned (not retried).
PLANNING_FAILED = "PlanningFailed"


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@dataclass(frozen=True)
class CaseWorkflowInput:
    case_id: str


@dataclass(frozen=True)
class CaseOutcome:
    case_id: str
    status: str  # completed | withdrawn | failed
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
class OpenSubcaseInput:
    case_id: str
    activity: str
    opened_on: str
    follow_up: bool = False


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
    reason: str  # condition_no_longer_holds | withdrawn | prerequisite_not_done


@dataclass(frozen=True)
class MoveDueDateInput:
    case_id: str
    activity: str
    opened_on: str
    revision: int


@dataclass(frozen=True)
class FinishCaseInput:
    case_id: str
    status: str  # completed | withdrawn


@dataclass(frozen=True)
class SubcaseClosedSignal:
    activity: str
    outcome: str  # resolved | rejected


@dataclass(frozen=True)
class RescheduledSignal:
    revision: int


@dataclass(frozen=True)
class WithdrawSignal:
    """The reporter withdrew the case. The reason stays with intake: it is free text and may
    name people, so it never enters the workflow's history."""
