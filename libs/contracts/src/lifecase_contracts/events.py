"""Events that cross service boundaries over NATS JetStream.

Every event travels as a CloudEvents 1.0 envelope in structured JSON mode. The envelope's
``type`` is also the NATS subject, so a subject never carries personal data or identifiers.
Event ids are deterministic where a retry could publish twice, so JetStream's ``Nats-Msg-Id``
de-duplication makes the retry harmless.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

STREAM_NAME = "LIFECASE"
STREAM_SUBJECTS = ["lifecase.>"]
DEAD_LETTER_PREFIX = "lifecase.deadletter"

_EVENT_NAMESPACE = uuid.UUID("6f1c3c52-5a0e-4b8e-9d1b-1f0f3f7c2a11")


def derived_id(*parts: object) -> str:
    """A stable id derived from its parts: the same parts always give the same id."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, ":".join(str(p) for p in parts)))


class Localized(BaseModel):
    """A text in Danish and English."""

    model_config = ConfigDict(frozen=True)

    da: str
    en: str

    def pick(self, language: str) -> str:
        return self.en if language == "en" else self.da


class EventData(BaseModel):
    """Base of every event payload; ``TYPE`` is the CloudEvents type and the NATS subject."""

    model_config = ConfigDict(frozen=True)
    TYPE: ClassVar[str]


class TemplatePublished(EventData):
    """A template version may be filed from now on; intake learns its form from this."""

    TYPE: ClassVar[str] = "lifecase.template.published"

    key: str
    version: int
    title: Localized
    description: Localized
    input_schema: dict[str, Any]
    personal_fields: list[str]


class CaseSubmitted(EventData):
    """A reporter filed a case: lifecycle plans it from the data it carries."""

    TYPE: ClassVar[str] = "lifecase.case.submitted"

    case_id: str
    event_type: str
    template_version: int
    reporter: str
    department: str | None
    data: dict[str, Any]
    submitted_at: datetime
    case_number: str | None = None  # None in events from before case numbers
    # How the reporter is named to the units that work the case (from her sign-in).
    reporter_name: str | None = None


class SubcaseOpened(EventData):
    """A sub-case is due now: routing puts it in a unit's queue."""

    TYPE: ClassVar[str] = "lifecase.subcase.opened"

    case_id: str
    subcase_id: str
    activity: str
    subcase_type: str
    title: Localized
    unit_hint: str | None
    fields: dict[str, Any]
    due_date: date | None
    reporter: str
    department: str | None
    case_number: str | None = None  # None in events from before case numbers
    reporter_name: str | None = None  # for the unit's people; None before it was added


class SubcaseRouted(EventData):
    """A sub-case landed in a unit's queue, with its due date."""

    TYPE: ClassVar[str] = "lifecase.subcase.routed"

    case_id: str
    subcase_id: str
    activity: str
    title: Localized
    queue: str
    unit: str
    rule: str
    due_date: date | None
    reporter: str
    unit_name: Localized | None = None  # for people; None in events from before it was added


class SubcaseResolved(EventData):
    """A unit (a caseworker or a robot) finished a sub-case."""

    TYPE: ClassVar[str] = "lifecase.subcase.resolved"

    case_id: str
    subcase_id: str
    activity: str
    title: Localized
    resolution: str
    resolved_by: str
    reporter: str
    # A robot account resolved it (reporting counts what robots already do); False in
    # events from before it was added.
    resolved_by_robot: bool = False


class SubcaseClaimed(EventData):
    """An unassigned work item was taken (claimed, or assigned by a lead): someone holds
    it from now on. The envelope's time is the claim's; reporting measures handling time
    from the last claim before the resolution (ADR 0030)."""

    TYPE: ClassVar[str] = "lifecase.subcase.claimed"

    case_id: str
    subcase_id: str
    activity: str
    queue: str
    by_robot: bool = False


class SubcaseReleased(EventData):
    """The item's holder let go of it (or a lead took it back): it waits in its queue again,
    and the next claim starts the handling time anew. A transfer says so by routing the
    sub-case again (``SubcaseRouted``)."""

    TYPE: ClassVar[str] = "lifecase.subcase.released"

    case_id: str
    subcase_id: str
    activity: str
    queue: str


class CaseCompleted(EventData):
    """Every sub-case of the case is closed: the case is done."""

    TYPE: ClassVar[str] = "lifecase.case.completed"

    case_id: str
    event_type: str
    reporter: str
    completed_at: datetime


class SubcaseScheduled(EventData):
    """A sub-case that will open later, at a date or after other activities complete."""

    TYPE: ClassVar[str] = "lifecase.subcase.scheduled"

    case_id: str
    subcase_id: str
    activity: str
    title: Localized
    opens_on: date | None
    waits_for: list[str]
    reporter: str


class SubcaseCancelled(EventData):
    """The case no longer needs this sub-case (withdrawn, or its condition stopped holding)."""

    TYPE: ClassVar[str] = "lifecase.subcase.cancelled"

    case_id: str
    subcase_id: str
    activity: str
    title: Localized
    reason: str
    reporter: str


class SubcaseDueDateChanged(EventData):
    """A rescheduled case moved an open sub-case's due date."""

    TYPE: ClassVar[str] = "lifecase.subcase.due_date_changed"

    case_id: str
    subcase_id: str
    activity: str
    due_date: date | None
    reason: str
    reporter: str


class SubcaseRejected(EventData):
    """A unit refused a sub-case, with a reason the reporter sees."""

    TYPE: ClassVar[str] = "lifecase.subcase.rejected"

    case_id: str
    subcase_id: str
    activity: str
    title: Localized
    reason: str
    rejected_by: str
    reporter: str


class InfoRequested(EventData):
    """A caseworker asks the reporter a question; the sub-case waits for the answer.

    With ``awaits_reply`` false it is a message to the reporter that pauses nothing."""

    TYPE: ClassVar[str] = "lifecase.subcase.info_requested"

    case_id: str
    subcase_id: str
    activity: str
    title: Localized
    message_id: str
    question: str
    asked_by: str
    reporter: str
    awaits_reply: bool = True


class AttachmentRef(BaseModel):
    """A file attached to a message: its bytes stay in the attachment store (ADR 0029), the
    event names them by ``id``. ``filename`` can be personal data (a name, a CPR number):
    like the message's text, it never goes into logs or subjects."""

    model_config = ConfigDict(frozen=True)

    id: str
    filename: str
    content_type: str
    size: int


class ReporterReplied(EventData):
    """The reporter wrote on their case: an answer to exactly one question (``in_reply_to``)
    or a note to one unit with a sub-case on the case (``to_unit``), which answers nothing.
    Events from before ``to_unit`` existed may name neither. ``attachments``: the files she
    attached (ADR 0029)."""

    TYPE: ClassVar[str] = "lifecase.case.reporter_replied"

    case_id: str
    message_id: str
    text: str
    reporter: str
    in_reply_to: str | None = None
    to_unit: str | None = None
    attachments: list[AttachmentRef] = []


class ReplyFiled(EventData):
    """Routing filed the reporter's reply with a work item: the caseworkers who should know
    (the one who asked, the assignee) are told. The reply's text stays in routing."""

    TYPE: ClassVar[str] = "lifecase.subcase.reply_filed"

    case_id: str
    subcase_id: str
    title: Localized
    message_id: str
    in_reply_to: str | None = None
    recipients: list[str]


class SlaBreached(EventData):
    """A work item passed its due date while still open."""

    TYPE: ClassVar[str] = "lifecase.subcase.sla_breached"

    case_id: str
    subcase_id: str
    activity: str
    queue: str
    due_date: date
    reporter: str
    # Who holds the item (None while it waits in the queue): told in the workspace's inbox.
    assignee: str | None = None


class SlaDueSoon(EventData):
    """A running work item came within the SLA policy's "due soon" window of its due date
    (once per item and due date). The assignee is told, by the item's title."""

    TYPE: ClassVar[str] = "lifecase.subcase.sla_due_soon"

    case_id: str
    subcase_id: str
    activity: str
    queue: str
    due_date: date
    reporter: str
    title: Localized
    # Who holds the item (None while it waits in the queue): told in the workspace's inbox.
    assignee: str | None = None


class CaseWithdrawn(EventData):
    """The reporter withdrew the case; open work is cancelled."""

    TYPE: ClassVar[str] = "lifecase.case.withdrawn"

    case_id: str
    event_type: str
    reason: str
    reporter: str
    withdrawn_at: datetime


class CaseRescheduled(EventData):
    """The reporter changed date fields of a running case. It carries the case's date fields
    only (all of them, as they are now: the only fields a reschedule can change), never the
    rest of its data, which is personal."""

    TYPE: ClassVar[str] = "lifecase.case.rescheduled"

    case_id: str
    revision: int
    dates: dict[str, str]
    changed_fields: list[str]
    reason: str
    reporter: str


class CaseMigrated(EventData):
    """An administrator moved a running case to a newer version of its template. The titles
    say what changed for the reporter: sub-cases added, cancelled because the new version no
    longer has them, and kept because they were already done. Lifecycle's own consumer
    tells the case's workflow; intake writes it on the reporter's timeline."""

    TYPE: ClassVar[str] = "lifecase.case.migrated"

    case_id: str
    event_type: str
    from_version: int
    to_version: int
    added: list[Localized]
    cancelled: list[Localized]
    kept: list[Localized]
    reporter: str


class TemplateRetired(EventData):
    """A template version may no longer be filed (running cases go on)."""

    TYPE: ClassVar[str] = "lifecase.template.retired"

    key: str
    version: int


class AccessRecorded(EventData):
    """Someone read personal data or changed something (the access log). Carries who, what
    and why, never the data itself: ``resource_id`` and ``case_id`` are identifiers."""

    TYPE: ClassVar[str] = "lifecase.access.recorded"

    actor: str
    roles: list[str]
    action: str
    resource: str
    resource_id: str
    case_id: str | None
    personal_data: bool
    reason: str
    at: datetime


class CasePlanningFailed(EventData):
    """The case's data cannot be planned (a date the calendar cannot hold, a value no
    condition can read): the case stops, and the reporter is told to file it anew."""

    TYPE: ClassVar[str] = "lifecase.case.planning_failed"

    case_id: str
    event_type: str
    reporter: str
    failed_at: datetime


class CaseErased(EventData):
    """A closed case's retention period has ended: every service removes the case's personal
    data it holds. Only the case id travels."""

    TYPE: ClassVar[str] = "lifecase.case.erased"

    case_id: str
    erased_at: datetime


EVENT_TYPES: dict[str, type[EventData]] = {
    cls.TYPE: cls
    for cls in (
        TemplatePublished,
        CaseSubmitted,
        SubcaseOpened,
        SubcaseRouted,
        SubcaseResolved,
        CaseCompleted,
        SubcaseScheduled,
        SubcaseCancelled,
        SubcaseDueDateChanged,
        SubcaseRejected,
        InfoRequested,
        ReporterReplied,
        ReplyFiled,
        SlaBreached,
        SlaDueSoon,
        CaseWithdrawn,
        CaseRescheduled,
        CaseMigrated,
        TemplateRetired,
        AccessRecorded,
        CaseErased,
        CasePlanningFailed,
        SubcaseClaimed,
        SubcaseReleased,
    )
}

D = TypeVar("D", bound=EventData)


class Envelope(BaseModel, Generic[D]):
    """A CloudEvents 1.0 envelope (structured mode) around an event payload."""

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    data: D

    @classmethod
    def wrap(
        cls, data: D, *, source: str, id: str | None = None, subject: str | None = None
    ) -> Envelope[D]:
        return cls(
            id=id or str(uuid.uuid4()), source=source, type=data.TYPE, subject=subject, data=data
        )

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


class UnknownEventType(ValueError):
    pass


def decode(raw: bytes) -> Envelope[EventData]:
    """Parse an envelope and its payload into the payload's own model."""
    doc = json.loads(raw)
    data_type = EVENT_TYPES.get(doc.get("type", "")) if isinstance(doc, dict) else None
    if data_type is None:
        raise UnknownEventType(doc.get("type") if isinstance(doc, dict) else None)
    return Envelope[data_type].model_validate(doc)  # type: ignore[valid-type]
