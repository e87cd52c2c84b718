"""What the conversation learns from routing's events. Idempotent on natural keys: the
message id of a question, the sub-case id of a rejection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Envelope, EventData, InfoRequested, SubcaseRejected
from lifecase_intake.conversation.models import CaseMessage, SubcaseRejection
from lifecase_intake.models import Case, Subcase
from lifecase_platform.messaging import SessionHandler

CLOSED = ("resolved", "rejected", "cancelled")


@dataclass
class ConversationProjection:
    """Handlers write through the batch's session (``BatchConsumer``)."""

    async def info_requested(
        self, session: AsyncSession, envelope: Envelope[InfoRequested]
    ) -> None:
        """A caseworker asked (or told) the reporter something about a sub-case."""
        e = envelope.data
        if await session.get(Case, e.case_id) is None:
            return  # a case filed through another intake; nothing of ours to show
        if await session.get(CaseMessage, e.message_id) is not None:
            return
        session.add(
            CaseMessage(
                id=e.message_id,
                case_id=e.case_id,
                subcase_id=e.subcase_id,
                kind="question" if e.awaits_reply else "message",
                title_da=e.title.da,
                title_en=e.title.en,
                text=e.question,
                author=e.asked_by,
                in_reply_to=None,
                created_at=envelope.time,
            )
        )

    async def subcase_rejected(
        self, session: AsyncSession, envelope: Envelope[SubcaseRejected]
    ) -> None:
        """A unit refused a sub-case: it is closed, and the reporter reads why."""
        e = envelope.data
        if await session.get(Case, e.case_id) is None:
            return
        if await session.get(SubcaseRejection, e.subcase_id) is None:
            session.add(
                SubcaseRejection(
                    subcase_id=e.subcase_id,
                    case_id=e.case_id,
                    reason=e.reason,
                    rejected_by=e.rejected_by,
                    rejected_at=envelope.time,
                )
            )
        sub = await session.get(Subcase, e.subcase_id)
        if sub is not None and sub.status not in CLOSED:
            sub.status, sub.updated_at = "rejected", datetime.now(UTC)

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {
            InfoRequested: self.info_requested,
            SubcaseRejected: self.subcase_rejected,
        }
