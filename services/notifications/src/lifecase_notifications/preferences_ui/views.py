"""The preferences page: shown, and saved from its form (a POST, then back to the page)."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lifecase_contracts.events import Localized
from lifecase_notifications.email import recipients
from lifecase_notifications.email.kinds import CHOICES, KINDS, Choice
from lifecase_notifications.email.texts import Language
from lifecase_notifications.email.views import preferences_of
from lifecase_platform.deps import SessionsDep, WebUIDep
from lifecase_platform.errors import Invalid, field_error
from lifecase_platform.webui import PageUser

router = APIRouter(include_in_schema=False)
LANGUAGES: tuple[Language, ...] = ("da", "en")
BAD_FORM = Localized(
    da="Formularen havde et valg, der ikke findes. Prøv igen.",
    en="The form had a choice that does not exist. Please try again.",
)


@router.get("/")
async def preferences_page(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep, saved: bool = False
) -> Response:
    await recipients.remember(sessions=sessions, user=user)
    async with sessions() as session:
        shown = await preferences_of(session, user)
    return ui.render(
        request,
        "preferences/preferences.html",
        {"preferences": shown, "choices": CHOICES, "saved": saved},
    )


@router.post("/")
async def save_preferences(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    form = await request.form()
    language = form.get("language")
    choices = {
        name.removeprefix("kind-"): value
        for name, value in form.multi_items()
        if name.startswith("kind-")
    }
    wrong = [] if language in LANGUAGES else ["language"]
    wrong += [f"kind-{k}" for k, v in choices.items() if k not in KINDS or v not in CHOICES]
    if wrong:
        raise Invalid(
            BAD_FORM, errors=[field_error(["form", n], "unknown choice", "choice") for n in wrong]
        )
    async with sessions() as session, session.begin():
        await recipients.save_choices(
            session=session,
            user=user,
            language=cast(Language, language),
            choices={k: cast(Choice, v) for k, v in choices.items()},
        )
    return RedirectResponse(ui.path("?saved=true"), status_code=303)
