"""Routing's part of the admin area, at ``/admin/routing``: the units with their queues and
members, the active routing rules with what each has routed and missed, and the SLA
targets and closing days, for administrators, process owners and auditors. The template
library beside it is lifecycle's (``/admin``); the two share one menu.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lifecase_contracts.events import Localized
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import SignInMethod, WebUI, admin_area
from lifecase_routing.admin_ui.views import router
from lifecase_routing.triage.admin import router as triage_router

PREFIX = "/admin/routing"
HERE = Path(__file__).parent


def create_routing_admin(
    *, verifier: TokenVerifier, sign_in: SignInMethod, secure_cookies: bool
) -> FastAPI:
    """Routing's admin pages as an app of their own, mounted at ``PREFIX`` in routing's app."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Administration", en="Administration"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=admin_area.MENU,
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase admin area: routing",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router, triage_router],
    )
