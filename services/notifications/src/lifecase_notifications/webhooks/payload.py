"""What a webhook subscriber sees of an event: an explicit allow-list of fields per event
type. Identifiers, activities, units and queues, statuses, versions and dates go out; what
people wrote (questions, replies, reasons, resolutions), who they are (the reporter, the
caseworker who acted, a department) and the case's own data never do. A field missing
here is withheld, so a field added to an event later stays inside until someone decides
otherwise. Event types not listed (the access log) are not offered at all."""

from __future__ import annotations

import json
from typing import Any

from lifecase_contracts.events import Envelope, EventData

CASE = ("case_id",)
SUBCASE = ("case_id", "subcase_id", "activity")

ALLOWED_FIELDS: dict[str, tuple[str, ...]] = {
    "lifecase.template.published": ("key", "version"),
    "lifecase.template.retired": ("key", "version"),
    "lifecase.case.submitted": (*CASE, "event_type", "template_version", "submitted_at"),
    "lifecase.subcase.opened": (*SUBCASE, "subcase_type", "unit_hint", "due_date"),
    "lifecase.subcase.routed": (*SUBCASE, "queue", "unit", "rule", "due_date"),
    "lifecase.subcase.resolved": SUBCASE,
    "lifecase.case.completed": (*CASE, "event_type", "completed_at"),
    "lifecase.subcase.scheduled": (*SUBCASE, "opens_on", "waits_for"),
    "lifecase.subcase.cancelled": SUBCASE,
    "lifecase.subcase.due_date_changed": (*SUBCASE, "due_date"),
    "lifecase.subcase.rejected": SUBCASE,
    "lifecase.subcase.info_requested": (*SUBCASE, "message_id", "awaits_reply"),
    "lifecase.case.reporter_replied": (*CASE, "message_id", "in_reply_to"),
    "lifecase.subcase.reply_filed": ("case_id", "subcase_id", "message_id", "in_reply_to"),
    "lifecase.subcase.sla_breached": (*SUBCASE, "queue", "due_date"),
    "lifecase.subcase.sla_due_soon": (*SUBCASE, "queue", "due_date"),
    "lifecase.case.withdrawn": (*CASE, "event_type", "withdrawn_at"),
    "lifecase.case.rescheduled": (*CASE, "revision", "changed_fields"),
    "lifecase.case.migrated": (*CASE, "event_type", "from_version", "to_version"),
    "lifecase.case.planning_failed": (*CASE, "event_type", "failed_at"),
    "lifecase.case.erased": (*CASE, "erased_at"),
    "lifecase.subcase.claimed": (*SUBCASE, "queue"),
    "lifecase.subcase.released": (*SUBCASE, "queue"),
}
# Never sent, whatever the list above says: a test holds the list to it.
NEVER = frozenset(
    {
        "reporter",
        "department",
        "data",
        "fields",
        "question",
        "text",
        "reason",
        "resolution",
        "resolved_by",
        "rejected_by",
        "asked_by",
        "assignee",
        "recipients",
        "actor",
        "dates",
    }
)
OFFERED = tuple(ALLOWED_FIELDS)


def payload(envelope: Envelope[Any]) -> bytes:
    """The body of a delivery: ``{"type", "id", "time", "data"}`` with the allowed fields."""
    return json.dumps(
        {
            "type": envelope.type,
            "id": envelope.id,
            "time": envelope.time.isoformat(),
            "data": allowed_data(envelope.type, envelope.data),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def allowed_data(event_type: str, data: EventData) -> dict[str, Any]:
    fields = ALLOWED_FIELDS.get(event_type, ())
    dumped = data.model_dump(mode="json", include=set(fields))
    return {name: dumped[name] for name in fields if name in dumped}
