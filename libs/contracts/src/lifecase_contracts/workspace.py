"""The caseworker workspace and its administration, as clients see them over HTTP: work-item
actions, SLA and routing traces, the conversation with the reporter, units and their members,
routing rule sets and their dry-runs, the SLA policy."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from lifecase_contracts.events import AttachmentRef, Localized

KEY_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$"
MemberRole = Literal["member", "lead"]
# What can be done to a work item; a robot's membership lists the ones it may do.
ItemAction = Literal[
    "claim", "unassign", "transfer", "note", "request-info", "message", "resolve", "reject"
]
SlaState = Literal["on_track", "due_soon", "breached", "met", "missed"]
CommentKind = Literal["note", "question", "message", "reply"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_not_blank)]
"""Free text a person writes: a note, a question, a reason. Whitespace alone is not text."""

_CLOSING_DAY = re.compile(r"^(?:(?P<year>\d{4})-)?(?P<month>\d{2})-(?P<day>\d{2})$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- work items -------------------------------------------------------------------------------


class SlaPublic(BaseModel):
    """A work item's SLA clock. While ``paused`` (waiting for the reporter) it does not run."""

    due_date: date
    state: SlaState
    paused: bool
    paused_since: datetime | None = None


class TransferPublic(BaseModel):
    from_queue: str
    to_queue: str
    reason: str
    by: str
    at: datetime


class RoutingTrace(BaseModel):
    """Which rule of which rule-set version put the item in its first queue, and every
    transfer since (each one a routing miss counted against the rule that sent it)."""

    rule: str
    ruleset_version: int
    transfers: list[TransferPublic] = []


class CommentPublic(BaseModel):
    """An internal note (caseworkers only) or a message in the conversation with the reporter:
    a ``question`` (the item waits for the answer), a ``message`` or the reporter's ``reply``."""

    id: str
    kind: CommentKind
    author: str
    text: str
    in_reply_to: str | None = None
    created_at: datetime
    # Files attached to the message (the reporter's; ADR 0029).
    attachments: list[AttachmentRef] = []


class Assign(_Body):
    assignee: str = Field(pattern=USERNAME_PATTERN, max_length=100)


class Transfer(_Body):
    queue: str = Field(min_length=1, max_length=63)
    reason: Text


class NoteCreate(_Body):
    text: Text


class InfoRequest(_Body):
    question: Text


class MessageCreate(_Body):
    text: Text


class Reject(_Body):
    reason: Text


# --- the reporter's side ----------------------------------------------------------------------


class ReporterMessageCreate(_Body):
    """The reporter writes on their case, and names whom to: an answer to one question
    (``in_reply_to`` its id), or a note to a unit that has a task on the case (``to_unit``
    its key), which answers no question. Exactly one of the two."""

    text: Text
    in_reply_to: str | None = Field(default=None, max_length=64)
    to_unit: str | None = Field(default=None, max_length=100)


class CaseMessagePublic(BaseModel):
    """A message on the reporter's case: a caseworker's question or message, or a reply."""

    id: str
    kind: Literal["question", "message", "reply"]
    subcase_id: str | None
    title: Localized | None
    text: str
    author: str
    in_reply_to: str | None
    answered: bool
    created_at: datetime
    # The unit a reporter's note was written to; None for answers (they go to the question's
    # sender), for caseworkers' messages (to the reporter) and for notes from before it.
    to_unit: str | None = None
    # Files attached to the message (the reporter's; ADR 0029).
    attachments: list[AttachmentRef] = []


# --- units, queues, members -------------------------------------------------------------------


class QueueRef(BaseModel):
    key: str
    name: Localized


class MemberPublic(BaseModel):
    username: str
    role: MemberRole
    actions: list[ItemAction] | None = None


class UnitPublic(BaseModel):
    key: str
    name: Localized
    queues: list[QueueRef]
    members: list[MemberPublic]


class UnitUpsert(_Body):
    name: Localized


class QueueUpsert(_Body):
    name: Localized


class MemberUpsert(_Body):
    role: MemberRole = "member"
    actions: list[ItemAction] | None = Field(
        default=None,
        description="For a robot account: the item actions it may take in this unit's "
        "queues (none declared: it may only read). People's memberships leave it out.",
    )


class TokensRevoked(BaseModel):
    """Every token of ``username`` issued before ``revoked_before`` is refused."""

    username: str
    revoked_before: datetime


# --- routing rules ----------------------------------------------------------------------------


class RuleSpec(_Body):
    """One routing rule: when ``condition`` (CEL over ``subcase_type``, ``department``,
    ``unit_hint`` and the carried ``fields``) holds, the sub-case goes to ``queue``."""

    name: str = Field(pattern=KEY_PATTERN, examples=["payroll-by-type"])
    condition: str = Field(
        min_length=1, max_length=2000, examples=['subcase_type.startsWith("payroll.")']
    )
    queue: str = Field(min_length=1, max_length=63, examples=["payroll"])


class RuleSetSpec(_Body):
    """An ordered rule set: the first rule whose condition holds routes; the rest go to
    ``fallback_queue`` (triage)."""

    rules: list[RuleSpec] = Field(max_length=500)
    fallback_queue: str = Field(min_length=1, max_length=63, examples=["triage"])


class RulePublic(BaseModel):
    position: int
    name: str
    condition: str
    queue: str
    routed: int
    misses: int


class RuleSetPublic(BaseModel):
    """A rule-set version with, per rule, how many items it routed and how many of those
    were transferred away (routing misses). ``fallback`` counts the unmatched."""

    version: int
    active: bool
    fallback_queue: str
    created_at: datetime
    created_by: str | None
    rules: list[RulePublic]
    fallback: RulePublic


class RuleSetSummary(BaseModel):
    version: int
    active: bool
    created_at: datetime
    created_by: str | None
    rules: int


class DryRunMove(BaseModel):
    from_queue: str
    to_queue: str
    count: int
    rules: list[str]


class DryRunPublic(BaseModel):
    """What a candidate rule set would do to past sub-cases, compared with where they are."""

    evaluated: int
    unchanged: int
    moved: int
    moves: list[DryRunMove]
    rule_errors: dict[str, int]
    summary: Localized


# --- SLA policy -------------------------------------------------------------------------------


class SlaPolicy(_Body):
    """SLA targets in Danish working days per sub-case type, when the case sets no due date
    itself, and the municipality's extra closing days (``MM-DD`` yearly, or ``YYYY-MM-DD``)."""

    default_working_days: int = Field(default=10, ge=1, le=365)
    due_soon_working_days: int = Field(default=2, ge=0, le=60)
    targets: dict[str, int] = Field(default_factory=dict, examples=[{"payroll.setup": 10}])
    closing_days: list[str] = Field(default_factory=list, examples=[["12-24", "12-31"]])

    @field_validator("targets")
    @classmethod
    def _targets_in_range(cls, targets: dict[str, int]) -> dict[str, int]:
        for subcase_type, days in targets.items():
            if not 1 <= days <= 365:
                raise ValueError(f"{subcase_type}: between 1 and 365 working days")
        return targets

    @field_validator("closing_days")
    @classmethod
    def _closing_days_are_dates(cls, days: list[str]) -> list[str]:
        for day in days:
            match = _CLOSING_DAY.match(day)
            if match is None:
                raise ValueError(f"{day!r} is not MM-DD or YYYY-MM-DD")
            # 2024 is a leap year, so a yearly 02-29 passes; date() refuses 12-32 or 02-30.
            date(int(match["year"] or 2024), int(match["month"]), int(match["day"]))
        return days
