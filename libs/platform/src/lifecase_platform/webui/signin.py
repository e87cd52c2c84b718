"""Signing in to a UI. ``DevSignIn``: pick a demo user (embedded and dev mode only).
``OidcSignIn`` (``webui.oidc``): the municipality's identity provider, in production."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from lifecase_contracts.events import Localized
from lifecase_platform.auth import DevTokens, Principal
from lifecase_platform.errors import NotFound
from lifecase_platform.webui.session import safe_next, start_session
from lifecase_platform.webui.settings import WebSettings
from lifecase_platform.webui.templating import SignInMethod, WebUI


class DevSignIn:
    """A page listing the demo users; choosing one starts a session with their dev token."""

    def __init__(self, tokens: DevTokens, users: Sequence[Principal]) -> None:
        self.tokens = tokens
        self.users = {u.username: u for u in users}

    def router(self, ui: WebUI) -> APIRouter:
        router = APIRouter(include_in_schema=False)

        @router.get("/sign-in")
        async def sign_in_page(request: Request, next: str | None = None) -> Response:
            return ui.render(
                request,
                "webui/sign_in.html",
                {"users": list(self.users.values()), "next": safe_next(next, ui.path(""))},
            )

        @router.post("/sign-in")
        async def sign_in(
            username: Annotated[str, Form(max_length=100)],
            next: Annotated[str | None, Form(max_length=2000)] = None,
        ) -> Response:
            user = self.users.get(username)
            if user is None:
                raise NotFound(Localized(da="demobrugeren", en="demo user"))
            response = RedirectResponse(safe_next(next, ui.path("")), status_code=303)
            start_session(response, self.tokens.issue(user), secure=ui.secure_cookies)
            return response

        return router


def sign_in_method(settings: WebSettings, *, dev_users: Sequence[Principal] = ()) -> SignInMethod:
    """Demo users in dev mode; the OIDC provider of the settings otherwise."""
    if settings.auth_mode == "dev":
        assert settings.dev_token_secret, "settings refuse dev auth without a secret"
        return DevSignIn(DevTokens(settings.dev_token_secret), dev_users)
    from lifecase_platform.webui.oidc import OidcSignIn

    return OidcSignIn.from_settings(settings)
