"""The caseworker workspace: routing's server-rendered pages at ``/workspace``.

A caseworker signs in, sees their units' queues with open counts and SLA states, lists a
queue by due date (filtered by status, by "assigned to me" and by text), and works an item:
claim it, ask the reporter, write to them, note something for colleagues, transfer, reject
or resolve it. The pages call routing's own service functions with the signed-in person, so
they enforce exactly what the HTTP API enforces: another unit's items do not exist (404).

Built on the shared web foundation, ``lifecase_platform.webui``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lifecase_contracts.events import Localized
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import NavLink, SignInMethod, WebUI
from lifecase_routing.workspace_ui.views import router

PREFIX = "/workspace"
HERE = Path(__file__).parent
# Unit leads read their units' numbers on the insight dashboards.
INSIGHT_READERS = frozenset({"unit_lead"})


def create_workspace(
    *, verifier: TokenVerifier, sign_in: SignInMethod, secure_cookies: bool
) -> FastAPI:
    """The workspace as an app of its own, to be mounted at ``PREFIX`` in routing's app: its
    errors are friendly pages, while the API beside it keeps answering problem+json."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Sagsbehandling", en="Caseworker workspace"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=[
            NavLink("", Localized(da="Mine køer", en="My queues")),
            NavLink("/insight/", Localized(da="Indsigt", en="Insight"), roles=INSIGHT_READERS),
        ],
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase caseworker workspace",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router],
    )
