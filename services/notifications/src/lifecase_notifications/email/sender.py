"""Sending the queued mails: a port (``MailTransport``), its SMTP adapter, and the loop that
sends what is due, retrying with exponential backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal, Protocol

import aiosmtplib
from pydantic import SecretStr
from sqlalchemy import select, update

from lifecase_notifications.email.models import OutgoingMail
from lifecase_platform.db import SessionFactory, as_utc

log = logging.getLogger(__name__)

BATCH = 20
# A claimed mail is not handed to another sender for this long (a crash mid-send frees it).
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


class DeliveryFailed(Exception):
    """The mail did not go out. ``reason`` is safe to keep (a code, a class name: never
    the server's text, which may quote the address); ``permanent``: no retry can mend it."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.permanent = permanent


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over for delivery, or raise ``DeliveryFailed``."""


@dataclass(frozen=True)
class SmtpTransport:
    """Mail over SMTP (``aiosmtplib``): ``tls`` is ``starttls`` (upgrade on the submission
    port), ``tls`` (implicit TLS, port 465) or ``none`` (a local relay or test server)."""

    host: str
    port: int
    tls: Literal["starttls", "tls", "none"]
    username: str | None = None
    password: SecretStr | None = None
    timeout: float = 30.0

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                use_tls=self.tls == "tls",
                start_tls=self.tls == "starttls",
                username=self.username,
                password=self.password.get_secret_value() if self.password else None,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = sorted({refused.code for refused in error.recipients})
            raise DeliveryFailed(
                f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes)
            ) from error
        except aiosmtplib.SMTPResponseException as error:
            raise DeliveryFailed(
                f"{type(error).__name__} {error.code}", permanent=error.code >= 500
            ) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise DeliveryFailed(type(error).__name__) from error


def backoff(attempts: int, first: float) -> timedelta:
    """The wait after the ``attempts``-th failure: ``first`` seconds, doubling, at most 6 h."""
    return min(timedelta(seconds=first * 2 ** (attempts - 1)), MAX_BACKOFF)


@dataclass
class Mailer:
    """Sends due mails (``status = queued``, ``next_attempt_at`` passed) in claimed
    batches: the claim moves the mail's next attempt a lease ahead in its own transaction,
    so replicas do not send the same mail and no transaction stays open while SMTP talks."""

    sessions: SessionFactory
    transport: MailTransport
    sender: str
    retry_seconds: float = 30.0
    max_attempts: int = 8
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    async def run(self, poll_seconds: float) -> None:
        while True:
            if await self.send_due() < BATCH:
                await asyncio.sleep(poll_seconds)

    async def send_due(self) -> int:
        """Send what is due now; returns how many were tried."""
        due = await self._claim()
        for mail in due:
            await self._send(mail)
        return len(due)

    async def _claim(self) -> list[OutgoingMail]:
        now = self.clock()
        async with self.sessions() as session, session.begin():
            due = list(
                await session.scalars(
                    select(OutgoingMail)
                    .where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= now)
                    .order_by(OutgoingMail.next_attempt_at)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            if due:
                await session.execute(
                    update(OutgoingMail)
                    .where(OutgoingMail.id.in_([m.id for m in due]))
                    .values(next_attempt_at=now + LEASE)
                )
        return due

    async def _send(self, mail: OutgoingMail) -> None:
        try:
            await self.transport.send(self.message(mail))
        except DeliveryFailed as error:
            await self._failed(mail, error)
        else:
            await self._record(
                mail.id, status="sent", attempts=mail.attempts + 1, sent_at=self.clock()
            )
            log.info("mail sent", extra={"mail_id": mail.id, "kind": mail.kind})

    async def _failed(self, mail: OutgoingMail, error: DeliveryFailed) -> None:
        attempts = mail.attempts + 1
        gives_up = error.permanent or attempts >= self.max_attempts
        await self._record(
            mail.id,
            status="failed" if gives_up else "queued",
            attempts=attempts,
            next_attempt_at=self.clock() + backoff(attempts, self.retry_seconds),
            last_error=error.reason,
        )
        log.warning(
            "mail not sent",
            extra={
                "mail_id": mail.id,
                "attempts": attempts,
                "reason": error.reason,
                "gives_up": gives_up,
            },
        )

    async def _record(self, mail_id: str, **values: object) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values)
            )

    def message(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to_address
        message["Subject"] = mail.subject
        message["Message-ID"] = make_msgid(idstring=mail.id, domain="lifecase")
        message["Date"] = as_utc(mail.created_at)
        message.set_content(mail.body)
        message["Content-Language"] = mail.language  # after set_content, which resets Content-*
        return message
