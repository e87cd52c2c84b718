"""What the conversation learns from routing's events. Idempotent on natural keys: the
message id of a question, the sub-case id of a rejection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts import reporter_texts
from lifecase_contracts.events import Envelope, EventData, InfoRequested, SubcaseRejected
from lifecase_intake.conversation.models import CaseMessage, SubcaseRejection
from lifecase_intake.models import Case
from lifecase_intake.transitions import move
from lifecase_platform.messaging import SessionHandler


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
        """A unit refused a sub-case: it is closed (through ``move``, like every step, so the
        timeline says so once), and the reporter reads why on the sub-case."""
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
        await move(session, envelope, "rejected", {}, reporter_texts.rejected(e.title, e.reason))

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {
            InfoRequested: self.info_requested,
            SubcaseRejected: self.subcase_rejected,
        }
