"""Tables of the conversation on a case (intake's database)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
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
