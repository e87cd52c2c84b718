"""Erasing a case's attachments once the case is erased (``CaseErased``): the objects go
from the attachment store, then their rows. Idempotent: deleting an object that is gone
is no error, and a redelivered event finds no rows left."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import CaseErased, Envelope, EventData
from lifecase_intake.conversation.models import MessageAttachment
from lifecase_platform.attachments import AttachmentStore
from lifecase_platform.messaging import SessionHandler


@dataclass
class AttachmentErasure:
    store: AttachmentStore

    async def case_erased(self, session: AsyncSession, envelope: Envelope[CaseErased]) -> None:
        """Delete the case's files from the store (before the rows that list them are gone,
        so a failed commit leaves the list for the redelivery)."""
        case_id = envelope.data.case_id
        ids = list(
            await session.scalars(
                select(MessageAttachment.id).where(MessageAttachment.case_id == case_id)
            )
        )
        await self.store.delete_all(ids)
        await session.execute(delete(MessageAttachment).where(MessageAttachment.case_id == case_id))

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {CaseErased: self.case_erased}
