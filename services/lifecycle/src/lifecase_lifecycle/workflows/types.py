"""One dataclass per workflow and activity input and result. None of them holds personal data:
workflow histories carry ids and activity keys only."""

from __future__ import annotations

from dataclasses import dataclass

TASK_QUEUE = "lifecase-lifecycle"


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@dataclass(frozen=True)
class CaseWorkflowInput:
    case_id: str


@dataclass(frozen=True)
class CaseOutcome:
    case_id: str
    status: str


@dataclass(frozen=True)
class PlanCaseInput:
    case_id: str


@dataclass(frozen=True)
class CasePlan:
    activities: list[str]


@dataclass(frozen=True)
class OpenSubcaseInput:
    case_id: str
    activity: str


@dataclass(frozen=True)
class CompleteCaseInput:
    case_id: str


@dataclass(frozen=True)
class SubcaseResolvedSignal:
    activity: str
    subcase_id: str
