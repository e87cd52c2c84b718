"""Event handlers of the notifications service: a table of what each event tells the reporter
(every event there carries the case and its reporter), and one of what it tells the
caseworkers it names (in the workspace's inbox, linking to the work item)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from babel.dates import format_date
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
    ReplyFiled,
    SlaBreached,
    SlaDueSoon,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
)
from lifecase_notifications import email, messages
from lifecase_notifications.models import Notification
from lifecase_notifications.service import notify
from lifecase_platform.messaging import SessionHandler
from lifecase_platform.workdays import today_in_denmark

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


class CaseworkerNotice(NamedTuple):
    kind: str
    text: Localized
    recipients: list[str]
    action_required: bool = False


def reply_filed(event: ReplyFiled) -> Localized:
    # The caseworker sees who the reporter is on the item; the notice need not say it.
    if event.in_reply_to is None:
        return Localized(
            da=f"Indberetteren skrev om »{event.title.da}«",
            en=f"The reporter wrote about “{event.title.en}”",
        )
    return Localized(
        da=f"Indberetteren svarede på »{event.title.da}«",
        en=f"The reporter answered on “{event.title.en}”",
    )


def sla_breached(event: SlaBreached) -> Localized:
    return Localized(
        da="En opgave, du har, er over fristen "
        f"({format_date(event.due_date, 'long', locale='da_DK')}).",
        en="A work item you hold is past its due date "
        f"({format_date(event.due_date, 'long', locale='en_GB')}).",
    )


def sla_due_soon(event: SlaDueSoon, today: date) -> Localized:
    """Today or tomorrow by name, a later day by its date (the window counts working days)."""
    if event.due_date == today:
        when = Localized(da="i dag", en="today")
    elif event.due_date == today + timedelta(days=1):
        when = Localized(da="i morgen", en="tomorrow")
    else:
        when = Localized(
            da=f"den {format_date(event.due_date, 'long', locale='da_DK')}",
            en=f"on {format_date(event.due_date, 'long', locale='en_GB')}",
        )
    return Localized(
        da=f"»{event.title.da}« skal være færdig {when.da}",
        en=f"“{event.title.en}” is due {when.en}",
    )


CASEWORKER_NOTICES: dict[type[EventData], Callable[[Any], CaseworkerNotice]] = {
    # An answer lets the work go on: highlighted, like a question for the reporter.
    ReplyFiled: lambda e: CaseworkerNotice(
        "reply_filed", reply_filed(e), e.recipients, action_required=e.in_reply_to is not None
    ),
    SlaBreached: lambda e: CaseworkerNotice(
        "sla_breached", sla_breached(e), [e.assignee] if e.assignee else [], action_required=True
    ),
    SlaDueSoon: lambda e: CaseworkerNotice(
        "sla_due_soon", sla_due_soon(e, today_in_denmark()), [e.assignee] if e.assignee else []
    ),
}


def work_item_link(subcase_id: str) -> str:
    return f"/workspace/items/{subcase_id}"


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
            subcase_id=getattr(event, "subcase_id", None),
        )

    async def notify_caseworkers(self, session: AsyncSession, envelope: Envelope[Any]) -> None:
        """Record the notice for each caseworker the event names (once each), linking to
        the work item."""
        event = envelope.data
        notice = CASEWORKER_NOTICES[type(event)](event)
        for recipient in dict.fromkeys(notice.recipients):
            await notify(
                session=session,
                event_id=envelope.id,
                recipient=recipient,
                case_id=event.case_id,
                kind=notice.kind,
                text=notice.text,
                action_required=notice.action_required,
                subcase_id=event.subcase_id,
                link=work_item_link(event.subcase_id),
            )

    async def case_erased(self, session: AsyncSession, envelope: Envelope[CaseErased]) -> None:
        """The case's retention period has ended: its notifications go (their texts name
        the case's tasks and may quote a caseworker)."""
        case_id = envelope.data.case_id
        result = await session.execute(delete(Notification).where(Notification.case_id == case_id))
        await email.erase_case(session=session, case_id=case_id)  # its mails quote it too
        log.info(
            "case erased",
            extra={"case_id": case_id, "notifications": getattr(result, "rowcount", 0)},
        )

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {
            **dict.fromkeys(NOTICES, self.notify_reporter),
            **dict.fromkeys(CASEWORKER_NOTICES, self.notify_caseworkers),
            CaseErased: self.case_erased,
        }
