"""Tables of the conversation on a case (intake's database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lifecase_intake.models import Base


class CaseMessage(Base):
    """A caseworker's question or message to the reporter, or the reporter's reply. A
    caseworker's message keeps routing's message id, so a redelivered event adds nothing."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case_created", "case_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    subcase_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # question | message | reply
    title_da: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    in_reply_to: Mapped[str | None] = mapped_column(String(64))
    # A reporter's note to a unit (its key). A reply names its addressee by ``in_reply_to``
    # or ``to_unit``; replies stored before 0007 may name neither (and answer nothing).
    to_unit: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubcaseRejection(Base):
    """Why a unit refused a sub-case, as the reporter is to read it."""

    __tablename__ = "subcase_rejections"

    subcase_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    rejected_by: Mapped[str] = mapped_column(String(100))
    rejected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageAttachment(Base):
    """A file attached to a reporter's message: its bytes are in the attachment store under
    ``id`` (ADR 0029). Keyed to the case, not the message row, so erasing the case's messages
    leaves the list of objects to delete (``conversation.erasure``)."""

    __tablename__ = "case_message_attachments"
    __table_args__ = (Index("ix_case_message_attachments_message", "message_id", "position"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
