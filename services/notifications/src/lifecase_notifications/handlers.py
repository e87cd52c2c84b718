"""Event handlers of the notifications service, listed in one registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lifecase_contracts.events import (
    CaseCompleted,
    Envelope,
    EventData,
    InfoRequested,
    Localized,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
)
from lifecase_notifications import messages
from lifecase_notifications.service import notify
from lifecase_platform.db import SessionFactory
from lifecase_platform.messaging import Handler


@dataclass
class NotificationHandlers:
    sessions: SessionFactory

    async def _notify(
        self,
        envelope: Envelope[Any],
        *,
        recipient: str,
        case_id: str,
        kind: str,
        text: Localized,
        action_required: bool = False,
    ) -> None:
        async with self.sessions() as session, session.begin():
            await notify(
                session=session,
                event_id=envelope.id,
                recipient=recipient,
                case_id=case_id,
                kind=kind,
                text=text,
                action_required=action_required,
            )

    async def subcase_routed(self, envelope: Envelope[SubcaseRouted]) -> None:
        e = envelope.data
        await self._notify(
            envelope,
            recipient=e.reporter,
            case_id=e.case_id,
            kind="subcase_routed",
            text=messages.routed(e),
        )

    async def subcase_resolved(self, envelope: Envelope[SubcaseResolved]) -> None:
        e = envelope.data
        await self._notify(
            envelope,
            recipient=e.reporter,
            case_id=e.case_id,
            kind="subcase_resolved",
            text=messages.resolved(e),
        )

    async def case_completed(self, envelope: Envelope[CaseCompleted]) -> None:
        e = envelope.data
        await self._notify(
            envelope,
            recipient=e.reporter,
            case_id=e.case_id,
            kind="case_completed",
            text=messages.completed(e),
        )

    async def info_requested(self, envelope: Envelope[InfoRequested]) -> None:
        """A caseworker asks the reporter: highlighted, because the work waits for them."""
        e = envelope.data
        await self._notify(
            envelope,
            recipient=e.reporter,
            case_id=e.case_id,
            kind="info_requested" if e.awaits_reply else "caseworker_message",
            text=messages.info_requested(e),
            action_required=e.awaits_reply,
        )

    async def subcase_rejected(self, envelope: Envelope[SubcaseRejected]) -> None:
        e = envelope.data
        await self._notify(
            envelope,
            recipient=e.reporter,
            case_id=e.case_id,
            kind="subcase_rejected",
            text=messages.rejected(e),
        )

    def registry(self) -> Mapping[type[EventData], Handler]:
        return {
            SubcaseRouted: self.subcase_routed,
            SubcaseResolved: self.subcase_resolved,
            CaseCompleted: self.case_completed,
            InfoRequested: self.info_requested,
            SubcaseRejected: self.subcase_rejected,
        }
