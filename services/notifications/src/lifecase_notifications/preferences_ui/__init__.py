"""The person's e-mail preferences as a page, at ``/notifications/preferences``: the language
mails are written in and, per kind of notification, at once / daily digest / off.

Built on the shared web foundation, ``lifecase_platform.webui``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from lifecase_contracts.events import Localized
from lifecase_notifications.preferences_ui.views import router
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import SignInMethod, WebUI

PREFIX = "/notifications/preferences"
HERE = Path(__file__).parent


def create_preferences_ui(
    *, verifier: TokenVerifier, sign_in: SignInMethod, secure_cookies: bool
) -> FastAPI:
    """The page as an app of its own, to be mounted at ``PREFIX`` in the service's app."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="E-mail om dine sager", en="E-mail about your cases"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase e-mail preferences",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router],
    )


def mount_preferences_ui(app: FastAPI, preferences: FastAPI) -> None:
    """Mount the page at ``PREFIX``, and answer its address without the trailing slash (the
    one in the mails) with a redirect: a mount at ``/notifications`` would take it."""

    @app.get(PREFIX, include_in_schema=False)
    async def to_the_page() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=307)

    app.mount(PREFIX, preferences)
