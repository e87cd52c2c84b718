"""Who gets mail, at which address, in which language, about what (keyword-only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple, cast

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_notifications.email.kinds import KINDS, Choice, default_choice
from lifecase_notifications.email.models import EmailPreference, EmailRecipient
from lifecase_notifications.email.texts import Language
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory, insert_new, transaction_memo

LANGUAGES: tuple[Language, ...] = ("da", "en")


class Recipient(NamedTuple):
    username: str
    address: str | None
    language: Language
    choices: dict[str, Choice]  # only those that differ from the default

    def choice(self, kind: str, *, action_required: bool = False) -> Choice:
        return self.choices.get(kind) or default_choice(kind, action_required=action_required)


def token_language(user: Principal) -> Language:
    """The language a person's token asks for (its ``locale`` claim), Danish otherwise."""
    locale = (user.locale or "").lower()
    return "en" if locale.startswith("en") else "da"


async def find(*, session: AsyncSession, username: str) -> Recipient | None:
    """The person as a mail recipient, looked up once per transaction."""
    memo = transaction_memo(session, "lifecase.email.recipients")
    if username not in memo:
        memo[username] = await load(session=session, username=username)
    found: Recipient | None = memo[username]
    return found


async def load(*, session: AsyncSession, username: str) -> Recipient | None:
    """The person as a mail recipient, as stored now; None if they have no record."""
    row = await session.get(EmailRecipient, username)
    if row is None:
        return None
    choices = await session.execute(
        select(EmailPreference.kind, EmailPreference.choice).where(
            EmailPreference.username == username
        )
    )
    return Recipient(
        username=username,
        address=row.address,
        language=row.language if row.language in LANGUAGES else "da",
        choices={kind: cast(Choice, choice) for kind, choice in choices.tuples()},
    )


async def remember(*, sessions: SessionFactory, user: Principal) -> None:
    """Record the address the caller's token names (the provider's is the one that counts);
    writes only when it is new or changed."""
    if not user.email:
        return
    async with sessions() as session:
        known = await session.get(EmailRecipient, user.username)
        if known is not None and known.address == user.email:
            return
    async with sessions() as session, session.begin():
        await _upsert_address(session, user.username, user.email, token_language(user))


async def seed(*, session: AsyncSession, users: list[Principal]) -> int:
    """Recipients for people with an address who have never called the service (the embedded
    demo's users); what people have chosen since stays. Returns how many were new."""
    now = datetime.now(UTC)
    added = 0
    for user in users:
        if user.email:
            added += await insert_new(
                session,
                EmailRecipient,
                {
                    "username": user.username,
                    "address": user.email,
                    "language": token_language(user),
                    "updated_at": now,
                },
            )
    return added


async def _upsert_address(
    session: AsyncSession, username: str, address: str | None, language: Language
) -> None:
    now = datetime.now(UTC)
    values = {"username": username, "address": address, "language": language, "updated_at": now}
    if not await insert_new(session, EmailRecipient, values) and address is not None:
        await session.execute(
            update(EmailRecipient)
            .where(EmailRecipient.username == username)
            .values(address=address, updated_at=now)
        )


async def save_choices(
    *,
    session: AsyncSession,
    user: Principal,
    language: Language,
    choices: dict[str, Choice],
) -> None:
    """The caller's language and choices; kinds left out get their default (a replacement,
    not a patch). ``choices`` names known kinds only (the API checks)."""
    await _upsert_address(session, user.username, user.email, language)
    await session.execute(
        update(EmailRecipient)
        .where(EmailRecipient.username == user.username)
        .values(language=language)
    )
    await session.execute(delete(EmailPreference).where(EmailPreference.username == user.username))
    for kind, choice in choices.items():
        if choice != KINDS[kind].default:
            session.add(EmailPreference(username=user.username, kind=kind, choice=choice))
