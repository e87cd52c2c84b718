"""The insight dashboards: the service's pages at ``/insight``, for unit leads (their units)
and for administrators, process owners and auditors (all units).

``/insight/`` draws the six plots (queue depth, service-level compliance, routing accuracy,
lead times, throughput, reporters waiting) for a period, unit and life event, each with its
table and a CSV download; ``/insight/automation`` is the automation-potential report for a
steering group. Who sees what is the API's rule (``lifecase_insight.access``).

Built on the shared web foundation, ``lifecase_platform.webui``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from lifecase_contracts.events import Localized
from lifecase_insight.access import EVERYTHING
from lifecase_insight.dashboard_ui.views import router
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import NavLink, SignInMethod, WebUI
from lifecase_platform.webui.admin_area import MENU

PREFIX = "/insight"
HERE = Path(__file__).parent
CASEWORKERS = frozenset({"unit_lead"})
INSIGHT = next(m for m in MENU if m.path == PREFIX + "/")


def create_dashboard(
    *,
    verifier: TokenVerifier,
    sign_in: SignInMethod,
    secure_cookies: bool,
    state: dict[str, object],
) -> FastAPI:
    """The dashboards as an app of their own, to be mounted at ``PREFIX`` in the insight
    service's app; ``state`` holds the settings and the unit leads' units."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Indsigt", en="Insight"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=[
            NavLink("", Localized(da="Overblik", en="Overview")),
            NavLink("automation", Localized(da="Automatiseringspotentiale", en="Automation")),
            NavLink("/workspace/", Localized(da="Mine køer", en="My queues"), roles=CASEWORKERS),
            *(
                NavLink(m.path, m.label, m.roles or EVERYTHING)
                for m in MENU
                if m.path != PREFIX + "/"
            ),
        ],
        secure_cookies=secure_cookies,
    )
    app = ui.app(
        name="lifecase insight dashboards",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router],
        state=state,
    )
    app.mount("/assets", StaticFiles(directory=HERE / "static"), name="assets")
    return app
