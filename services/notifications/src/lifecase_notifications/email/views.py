"""The caller's e-mail preferences over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import Problem
from lifecase_contracts.events import Localized
from lifecase_notifications.email import recipients
from lifecase_notifications.email.kinds import KINDS, Choice
from lifecase_notifications.email.texts import Language
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import SessionDep, SessionsDep, TxSessionDep
from lifecase_platform.errors import Invalid, field_error

PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


async def remember_caller(user: CurrentUser, sessions: SessionsDep) -> Principal:
    """The caller, whose address (from the token) is recorded for e-mail as a side effect."""
    await recipients.remember(sessions=sessions, user=user)
    return user


RememberedUser = Annotated[Principal, Depends(remember_caller)]


class KindPublic(BaseModel):
    kind: str
    label: Localized
    choice: Choice
    default: Choice


class EmailPreferencesPublic(BaseModel):
    address: str | None = Field(
        description="Where mails go: the address the identity provider gave, as last seen."
    )
    language: Language
    kinds: list[KindPublic] = Field(
        description="The kinds of notification the caller's roles get, with their choice."
    )


class EmailPreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language
    kinds: dict[str, Choice] = Field(
        default={},
        description="A choice per kind of notification; kinds left out get their default.",
        max_length=100,
    )


async def preferences_of(session: AsyncSession, user: Principal) -> EmailPreferencesPublic:
    """The person's preferences as they stand (the defaults where they chose nothing)."""
    who = await recipients.load(session=session, username=user.username)
    return EmailPreferencesPublic(
        address=who.address if who and who.address else user.email,
        language=who.language if who else recipients.token_language(user),
        kinds=[
            KindPublic(
                kind=key,
                label=kind.label,
                choice=who.choice(key) if who else kind.default,
                default=kind.default,
            )
            for key, kind in KINDS.items()
            if kind.concerns(user.roles) or (who and key in who.choices)
        ],
    )


def check_kinds(choices: dict[str, Choice]) -> None:
    unknown = [kind for kind in choices if kind not in KINDS]
    if unknown:
        raise Invalid(
            Localized(
                da="Der findes ingen notifikationer af den slags.",
                en="There are no notifications of that kind.",
            ),
            errors=[
                field_error(["body", "kinds", kind], "unknown kind of notification", "unknown_kind")
                for kind in unknown
            ],
        )


@router.get("/preferences", responses={401: PROBLEM})
async def get_preferences(user: RememberedUser, session: SessionDep) -> EmailPreferencesPublic:
    """The caller's e-mail preferences: the language mails are written in, and per kind of
    notification whether it is mailed at once, in the daily digest or not at all."""
    return await preferences_of(session, user)


@router.put("/preferences", responses={401: PROBLEM, 422: PROBLEM})
async def put_preferences(
    body: EmailPreferencesUpdate, user: RememberedUser, session: TxSessionDep
) -> EmailPreferencesPublic:
    """Replace the caller's e-mail preferences (kinds left out get their default)."""
    check_kinds(body.kinds)
    await recipients.save_choices(
        session=session, user=user, language=body.language, choices=body.kinds
    )
    await session.flush()
    return await preferences_of(session, user)
