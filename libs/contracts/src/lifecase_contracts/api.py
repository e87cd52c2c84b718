"""Public HTTP API models: what clients send and receive. Shared so clients and tests agree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lifecase_contracts.events import Localized
from lifecase_contracts.statuses import CaseStatus, SubcaseStatus, WorkItemStatus
from lifecase_contracts.workspace import (
    CaseMessagePublic,
    CommentPublic,
    RoutingTrace,
    SlaPublic,
)


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class CaseCreate(BaseModel):
    """A new combined case for one life event."""

    model_config = ConfigDict(extra="forbid")

    event_type: str = Field(min_length=1, max_length=100, examples=["hiring"])
    data: dict[str, Any] = Field(examples=[{"employee_name": "Mette Hansen"}])


class SubcasePublic(BaseModel):
    id: str
    activity: str
    title: Localized
    queue: str | None
    unit: str | None
    status: SubcaseStatus
    due_date: date | None
    opens_on: date | None = None
    waits_for: list[str] = []
    reason: str | None = None


class TimelineEntry(BaseModel):
    at: datetime
    kind: str
    text: Localized


class CasePublic(BaseModel):
    id: str
    case_number: str | None = Field(
        default=None,
        description="The short number people use for the case (``LC-2026-000123``).",
        examples=["LC-2026-000123"],
    )
    event_type: str
    template_version: int
    status: CaseStatus
    data: dict[str, Any]
    created_at: datetime
    completed_at: datetime | None
    revision: int = 0
    subcases: list[SubcasePublic]
    timeline: list[TimelineEntry] = []
    messages: list[CaseMessagePublic] = []
    warnings: list[Localized] = Field(
        default=[],
        description="Only in the answer to filing: things worth a second look that did not "
        "stop the case, e.g. an open case of the same life event for the same employee.",
    )


class CaseReschedule(BaseModel):
    """New values for date fields of a running case."""

    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any] = Field(min_length=1, examples=[{"start_date": "2027-03-01"}])
    reason: str = Field(default="", max_length=2000)


class CaseWithdraw(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class CasePage(BaseModel):
    items: list[CasePublic]
    next_cursor: str | None


class EventTypePublic(BaseModel):
    key: str
    version: int
    title: Localized
    description: Localized
    input_schema: dict[str, Any]


class QueuePublic(BaseModel):
    """A queue with its items counted per status, and its open items per SLA state."""

    key: str
    unit: str
    name: Localized
    open_count: int
    counts: dict[str, int] = {}
    due_soon: int = 0
    breached: int = 0


class WorkItemPublic(BaseModel):
    id: str
    case_id: str
    case_number: str | None = None  # the case's short number; None if routed before numbers
    activity: str
    subcase_type: str
    title: Localized
    queue: str
    status: WorkItemStatus
    assignee: str | None
    due_date: date | None
    fields: dict[str, Any]
    routed_by_rule: str
    resolution: str | None
    created_at: datetime
    reason: str | None = None
    routing: RoutingTrace
    sla: SlaPublic
    # The reporter wrote to the item (an answer or a note) since the unit last wrote to her.
    reporter_answered: bool = False


class WorkItemDetail(WorkItemPublic):
    """A work item with its internal notes and its conversation with the reporter."""

    notes: list[CommentPublic]
    messages: list[CommentPublic]


class WorkItemPage(BaseModel):
    items: list[WorkItemPublic]
    next_cursor: str | None


class Resolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution: str = Field(min_length=1, max_length=4000)


class NotificationPublic(BaseModel):
    id: str
    case_id: str
    kind: str
    text: str
    texts: Localized
    created_at: datetime
    read: bool
    action_required: bool = False
    # A local path to what it is about: the case in the portal, or a work item in the workspace.
    link: str | None = None


class UnreadCount(BaseModel):
    """How many of the caller's notifications are unread."""

    unread: int


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"


Problem.model_rebuild()


class AccessRecordPublic(BaseModel):
    """One line of the access log: who read personal data or changed something, when, what
    (the resource and, where there is one, its case) and why."""

    id: str
    at: datetime
    actor: str
    roles: list[str]
    action: str
    resource: str
    resource_id: str
    case_id: str | None
    personal_data: bool
    reason: str
    source: str


# Which of a queue's items a listing shows, and in what order of due date.
StatusFilter = Literal["open", "closed", WorkItemStatus]
Order = Literal["due", "-due"]


class ItemSearch(BaseModel):
    """A search of a queue's work items. Sent as a POST body, because free text may be a name
    or a CPR number, which must stay out of URLs (proxies and browsers log those)."""

    model_config = ConfigDict(extra="forbid")

    status: StatusFilter = "open"
    assignee: str | None = Field(default=None, max_length=100, description="a user, me or none")
    due_before: date | None = None
    subcase_type: str | None = Field(default=None, max_length=100)
    text: str | None = Field(default=None, max_length=200)
    order: Order = "due"
    limit: int = Field(default=50, ge=1, le=200)
    after: str | None = Field(default=None, max_length=200)
