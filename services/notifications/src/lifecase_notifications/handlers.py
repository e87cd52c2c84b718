"""Event handlers of the notifications service: one handler, and a table of what each event
tells the reporter (every event here carries the case and its reporter)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    CaseCompleted,
    CaseErased,
    CasePlanningFailed,
    Envelope,
    EventData,
    InfoRequested,
    Localized,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
)
from lifecase_notifications import messages
from lifecase_notifications.models import Notification
from lifecase_notifications.service import notify
from lifecase_platform.messaging import SessionHandler

log = logging.getLogger(__name__)


class Notice(NamedTuple):
    kind: str
    text: Localized
    action_required: bool = False


NOTICES: dict[type[EventData], Callable[[Any], Notice]] = {
    SubcaseRouted: lambda e: Notice("subcase_routed", messages.routed(e)),
    SubcaseResolved: lambda e: Notice("subcase_resolved", messages.resolved(e)),
    CaseCompleted: lambda e: Notice("case_completed", messages.completed(e)),
    # A question is highlighted: the work waits for the reporter.
    InfoRequested: lambda e: Notice(
        "info_requested" if e.awaits_reply else "caseworker_message",
        messages.info_requested(e),
        action_required=e.awaits_reply,
    ),
    SubcaseRejected: lambda e: Notice("subcase_rejected", messages.rejected(e)),
    # The case stopped: the reporter has to act (file it again).
    CasePlanningFailed: lambda e: Notice(
        "case_planning_failed", messages.planning_failed(e), action_required=True
    ),
}


@dataclass
class NotificationHandlers:
    """Each handler writes through the batch's session and is idempotent on its natural key
    (``lifecase_platform.messaging.BatchConsumer``)."""

    async def notify_reporter(self, session: AsyncSession, envelope: Envelope[Any]) -> None:
        """Record the notification this event calls for, once per event."""
        event = envelope.data
        notice = NOTICES[type(event)](event)
        await notify(
            session=session,
            event_id=envelope.id,
            recipient=event.reporter,
            case_id=event.case_id,
            kind=notice.kind,
            text=notice.text,
            action_required=notice.action_required,
        )

    async def case_erased(self, session: AsyncSession, envelope: Envelope[CaseErased]) -> None:
        """The case's retention period has ended: its notifications go (their texts name
        the case's tasks and may quote a caseworker)."""
        case_id = envelope.data.case_id
        result = await session.execute(delete(Notification).where(Notification.case_id == case_id))
        log.info(
            "case erased",
            extra={"case_id": case_id, "notifications": getattr(result, "rowcount", 0)},
        )

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {**dict.fromkeys(NOTICES, self.notify_reporter), CaseErased: self.case_erased}
