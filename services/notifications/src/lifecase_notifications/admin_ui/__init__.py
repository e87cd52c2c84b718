"""Notifications' part of the admin area, at ``/admin/webhooks``: the webhook
subscriptions with their state, a form to register one, and each one's delivery log with
its attempts, replay, pause and resume. Administrators change; auditors read."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lifecase_contracts.events import Localized
from lifecase_notifications.admin_ui.views import router
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import SignInMethod, WebUI, admin_area

PREFIX = "/admin/webhooks"
HERE = Path(__file__).parent


def create_webhooks_admin(
    *, verifier: TokenVerifier, sign_in: SignInMethod, secure_cookies: bool
) -> FastAPI:
    """The webhook pages as an app of their own, mounted at ``PREFIX`` in notifications'
    app."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Administration", en="Administration"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=admin_area.MENU,
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase admin area: webhooks",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router],
    )
