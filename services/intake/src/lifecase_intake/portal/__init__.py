"""The reporter portal: intake's server-rendered pages at ``/portal``.

A reporter signs in, picks a life event (or describes what happened and is offered the
life events that fit), fills the form generated from its template's input schema (or saves
it as a draft), submits it once, and follows the case as its sub-cases are routed; they
find their cases again under "My cases", and can file many cases of one life event from a
CSV file. The pages call intake's own service functions with the signed-in
person, so they enforce exactly what the HTTP API enforces.

Built on the shared web foundation, ``lifecase_platform.webui``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lifecase_contracts.events import Localized
from lifecase_intake.access_log import pages as access_log_pages
from lifecase_intake.access_log import store
from lifecase_intake.portal import case_views
from lifecase_intake.portal.preview import CasePlanner
from lifecase_intake.portal.triage import Triage
from lifecase_intake.portal.views import router
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import NavLink, SignInMethod, WebUI

PREFIX = "/portal"
HERE = Path(__file__).parent


def create_portal(
    *,
    verifier: TokenVerifier,
    sign_in: SignInMethod,
    secure_cookies: bool,
    planner: CasePlanner,
    triage: Triage,
) -> FastAPI:
    """The portal as an app of its own, to be mounted at ``PREFIX`` in intake's app: its
    errors are friendly pages, while the API beside it keeps answering problem+json."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Indberetning", en="Reporter portal"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=[
            NavLink("", Localized(da="Ny sag", en="New case")),
            NavLink("cases", Localized(da="Mine sager", en="My cases")),
            NavLink(
                "access-log",
                Localized(da="Adgangslog", en="Access log"),
                roles=store.READERS,
            ),
        ],
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase reporter portal",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router, case_views.router, access_log_pages.router],
        state={"planner": planner, "triage": triage},
    )
