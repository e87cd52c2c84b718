"""Wiring of e-mail into the notifications service: the sessions learn the configuration
(so notifications queue mails), and two background loops send due mails and the daily
digests. Without an SMTP host e-mail is off, and the start says so once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from lifecase_notifications.email import recipients
from lifecase_notifications.email.config import EmailConfig, configure
from lifecase_notifications.email.queue import send_digests
from lifecase_notifications.email.sender import Mailer, MailTransport, SmtpTransport
from lifecase_notifications.settings import NotificationsSettings
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.runtime import Runtime

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60.0


def smtp_transport(settings: NotificationsSettings) -> SmtpTransport:
    assert settings.smtp_host, "e-mail is on only with an SMTP host"
    return SmtpTransport(
        host=settings.smtp_host,
        port=settings.smtp_port,
        tls=settings.smtp_tls,
        username=settings.smtp_username,
        password=settings.smtp_password,
        timeout=settings.smtp_timeout_seconds,
    )


def start_email(
    runtime: Runtime,
    sessions: SessionFactory,
    settings: NotificationsSettings,
    transport: MailTransport | None = None,
) -> Mailer | None:
    """Turn e-mail on (when configured) and start its loops; ``transport`` replaces SMTP."""
    if not settings.email_enabled:
        log.info("e-mail is off: no SMTP host (LIFECASE_SMTP_HOST)")
        return None
    config = EmailConfig(public_url=settings.public_url)
    configure(sessions, config)
    mailer = Mailer(
        sessions=sessions,
        transport=transport or smtp_transport(settings),
        sender=settings.email_sender,
        retry_seconds=settings.email_retry_seconds,
        max_attempts=settings.email_max_attempts,
    )
    runtime.spawn("email-sender", lambda: mailer.run(settings.email_poll_seconds))
    runtime.spawn("email-digest", lambda: digest_loop(sessions, config, settings.email_digest_hour))
    log.info(
        "e-mail is on",
        extra={"smtp_host": settings.smtp_host, "smtp_port": settings.smtp_port},
    )
    return mailer


async def digest_loop(sessions: SessionFactory, config: EmailConfig, hour: int) -> None:
    """Queue the digests that are due, and look again a minute later: a digest moment
    passed while the service was down is caught up at the start."""
    while True:
        async with sessions() as session, session.begin():
            queued = await send_digests(
                session=session, config=config, now=datetime.now(UTC), hour=hour
            )
        if queued:
            log.info("digests queued", extra={"digests": queued})
        await asyncio.sleep(DIGEST_CHECK_SECONDS)


async def seed_recipients(sessions: SessionFactory, users: Sequence[Principal]) -> int:
    """Recipients for the demo users with an address (idempotent)."""
    async with sessions() as session, session.begin():
        return await recipients.seed(session=session, users=list(users))
