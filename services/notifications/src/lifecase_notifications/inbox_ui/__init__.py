"""The inbox: the notifications service's page at ``/notifications``, for reporters and
caseworkers alike.

A signed-in person sees their notifications newest first, unread ones highlighted and those
that ask them to act marked, each linking to what it is about (the case in the portal, the
work item in the workspace), and marks one or all of them read. The bell in every page's
header (``lifecase_platform.webui``) links here and follows the unread count live.

Built on the shared web foundation, ``lifecase_platform.webui``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lifecase_contracts.events import Localized
from lifecase_notifications.inbox_ui.views import router
from lifecase_platform.auth import TokenVerifier
from lifecase_platform.webui import NavLink, SignInMethod, WebUI

PREFIX = "/notifications"
HERE = Path(__file__).parent
# Who gets a way back to their own pages in the menu.
REPORTERS = frozenset({"reporter"})
CASEWORKERS = frozenset({"caseworker", "unit_lead"})


def create_inbox(
    *, verifier: TokenVerifier, sign_in: SignInMethod, secure_cookies: bool
) -> FastAPI:
    """The inbox as an app of its own, to be mounted at ``PREFIX`` in the notifications
    service's app: its errors are friendly pages, while the API keeps answering
    problem+json."""
    ui = WebUI(
        prefix=PREFIX,
        title=Localized(da="Notifikationer", en="Notifications"),
        template_dirs=[HERE / "templates"],
        locale_dirs=[HERE / "locale"],
        nav=[
            NavLink("", Localized(da="Notifikationer", en="Notifications")),
            NavLink("/portal/cases", Localized(da="Mine sager", en="My cases"), roles=REPORTERS),
            NavLink("/workspace/", Localized(da="Mine køer", en="My queues"), roles=CASEWORKERS),
        ],
        secure_cookies=secure_cookies,
    )
    return ui.app(
        name="lifecase inbox",
        verifier=verifier,
        sign_in=sign_in,
        routers=[router],
    )
