"""Tables of the e-mail notifications (in the notifications service's metadata)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lifecase_notifications.models import Base


class EmailRecipient(Base):
    """Where and in which language a person gets mail. The address comes from their token
    (recorded when they call the service, or seeded for demo users); no row, no mail."""

    __tablename__ = "email_recipients"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    address: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EmailPreference(Base):
    """A person's choice for one kind of notification, where it differs from the default
    (``email.kinds.KINDS``): ``immediately``, ``digest`` or ``off``."""

    __tablename__ = "email_preferences"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    choice: Mapped[str] = mapped_column(String(12))


class OutgoingMail(Base):
    """A mail to send and, once sent, the record that it was. Its id derives from the
    notification (or the digest) it tells of, so a redelivered event queues it once.
    ``last_error`` names the failure (an SMTP code, an exception's class), never a secret."""

    __tablename__ = "email_outgoing"
    __table_args__ = (
        Index("ix_email_outgoing_due", "status", "next_attempt_at"),
        Index("ix_email_outgoing_case", "case_id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(40))
    # The case the mail is about; None for a digest (it may tell of several).
    case_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))


class DigestEntry(Base):
    """A notification waiting for its recipient's daily digest (their choice for its kind),
    with its text in both languages: the digest is written in the language they have then."""

    __tablename__ = "email_digest_entries"
    __table_args__ = (Index("ix_email_digest_entries_recipient", "recipient", "created_at"),)

    notification_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    text_da: Mapped[str] = mapped_column(String(1000))
    text_en: Mapped[str] = mapped_column(String(1000))
    path: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
