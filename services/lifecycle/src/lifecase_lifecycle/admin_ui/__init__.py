"""The admin area: lifecycle's server-rendered pages at ``/admin`` for the people who own
the processes (administrators, process owners) and those who check them (auditors).

Its first page is the template library: every life event, its versions (draft, published,
retired) and how many cases run on each, with a version's fields and activities one click
away. Built on the shared web foundation, ``lifecase_platform.webui``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lifecase_contracts.events import Localized
from lifecase_lifecycle.admin_ui.views import router
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import SignInMethod, WebUI, admin_area

PREFIX = "/admin"
HERE = Path(__file__).parent


def create_admin(
    *, verifier: TokenVerifier, sign_in: SignInMethod, secure_cookies: bool
) -> FastAPI:
    """The admin area as an app of its own, mounted at ``PREFIX`` in lifecycle's app: its
    errors are friendly pages, while the API beside it keeps answering problem+json."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Administration", en="Administration"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=admin_area.MENU,
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase admin area",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router],
    )
