"""Mails from notifications: one at once, or a line in tomorrow's digest, as the recipient
chose for the notification's kind (keyword-only)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized, derived_id
from lifecase_notifications.email import recipients, texts
from lifecase_notifications.email.config import EmailConfig, config_of
from lifecase_notifications.email.models import DigestEntry, OutgoingMail
from lifecase_notifications.email.texts import Mail
from lifecase_platform.db import insert_new, insert_new_at_commit
from lifecase_platform.workdays import DANISH_TIME


def case_path(case_id: str) -> str:
    """Where the reporter sees the case (intake's portal)."""
    return f"/portal/cases/{case_id}"


async def queue_for(
    session: AsyncSession,
    *,
    notification_id: str,
    recipient: str,
    case_id: str,
    kind: str,
    text: Localized,
    created_at: datetime,
    action_required: bool = False,
    path: str | None = None,
) -> None:
    """Queue the mail a just recorded notification calls for, in the notification's
    transaction: nothing when e-mail is off, the person has no address or chose ``off``."""
    config = config_of(session)
    if config is None:
        return
    who = await recipients.find(session=session, username=recipient)
    if who is None or not who.address:
        return
    choice = who.choice(kind, action_required=action_required)
    link_path = path or case_path(case_id)
    if choice == "immediately":
        mail = texts.immediate(
            kind=kind,
            text=text.pick(who.language),
            link=config.link(link_path),
            preferences_link=config.preferences_link,
            language=who.language,
        )
        values = _mail(derived_id("email", notification_id), who, mail, kind, case_id, created_at)
        insert_new_at_commit(session, OutgoingMail, values)
    elif choice == "digest":
        insert_new_at_commit(
            session,
            DigestEntry,
            {
                "notification_id": notification_id,
                "recipient": recipient,
                "case_id": case_id,
                "kind": kind,
                "text_da": text.da,
                "text_en": text.en,
                "path": link_path,
                "created_at": created_at,
            },
        )


def _mail(
    id: str,
    who: recipients.Recipient,
    mail: Mail,
    kind: str,
    case_id: str | None,
    now: datetime,
) -> dict[str, object]:
    return {
        "id": id,
        "recipient": who.username,
        "to_address": who.address,
        "subject": mail.subject,
        "body": mail.body,
        "language": who.language,
        "kind": kind,
        "case_id": case_id,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "sent_at": None,
        "last_error": None,
    }


def digest_cutoff(now: datetime, hour: int) -> datetime:
    """The latest digest moment at or before ``now``: ``hour`` o'clock Danish time."""
    local = now.astimezone(DANISH_TIME)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment <= local else moment - timedelta(days=1)


async def send_digests(
    *, session: AsyncSession, config: EmailConfig, now: datetime, hour: int
) -> int:
    """Queue one digest per person for what waited until the last digest moment, and drop
    the entries it took. Running it again before the next moment finds nothing: safe to call
    often, from every replica. Returns the number of digests queued."""
    cutoff = digest_cutoff(now, hour)
    entries = list(
        await session.scalars(
            select(DigestEntry)
            .where(DigestEntry.created_at < cutoff)
            .order_by(DigestEntry.recipient, DigestEntry.created_at, DigestEntry.notification_id)
            .with_for_update(skip_locked=True)
        )
    )
    by_recipient: dict[str, list[DigestEntry]] = defaultdict(list)
    for entry in entries:
        by_recipient[entry.recipient].append(entry)
    queued = 0
    for username, mine in by_recipient.items():
        who = await recipients.find(session=session, username=username)
        if who is None or not who.address:
            continue
        lines = [
            texts.DigestLine(e.text_en if who.language == "en" else e.text_da, config.link(e.path))
            for e in mine
        ]
        mail = texts.digest(
            lines=lines, preferences_link=config.preferences_link, language=who.language
        )
        id = derived_id("email-digest", username, cutoff.isoformat())
        # Due at once, whatever moment ``now`` names (a test names tomorrow).
        values = _mail(id, who, mail, "digest", None, datetime.now(UTC))
        queued += await insert_new(session, OutgoingMail, values)
    if entries:
        ids = [e.notification_id for e in entries]
        await session.execute(delete(DigestEntry).where(DigestEntry.notification_id.in_(ids)))
    return queued


async def erase_case(*, session: AsyncSession, case_id: str) -> None:
    """The case's retention has ended: the mails about it (their texts quote the case) go."""
    await session.execute(delete(OutgoingMail).where(OutgoingMail.case_id == case_id))
    await session.execute(delete(DigestEntry).where(DigestEntry.case_id == case_id))
