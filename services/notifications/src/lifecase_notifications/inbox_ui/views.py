"""The inbox page. Thin, like the API's views: read the request, call the notifications
service, render; marking read posts and redirects back to the list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lifecase_notifications import service
from lifecase_notifications.views import HubDep
from lifecase_platform.deps import SessionsDep, WebUIDep
from lifecase_platform.webui import PageUser
from lifecase_platform.webui.i18n import language_of

router = APIRouter(include_in_schema=False)
SHOWN = 100  # the newest notifications the page lists


@router.get("/")
async def inbox(request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep) -> Response:
    """The person's notifications, newest first, unread ones highlighted."""
    async with sessions() as session:
        notifications = await service.inbox(
            session=session, recipient=user.username, language=language_of(request), limit=SHOWN
        )
        unread = await service.unread_count(session=session, recipient=user.username)
    return ui.render(
        request, "inbox/inbox.html", {"notifications": notifications, "unread": unread}
    )


@router.post("/read-all")
async def read_all(user: PageUser, ui: WebUIDep, sessions: SessionsDep, hub: HubDep) -> Response:
    async with sessions() as session, session.begin():
        await service.mark_all_read(session=session, recipient=user.username)
    hub.poke()
    return RedirectResponse(ui.path(""), status_code=303)


@router.post("/{notification_id}/read")
async def read_one(
    notification_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    hub: HubDep,
) -> Response:
    async with sessions() as session, session.begin():
        await service.mark_read(
            session=session,
            recipient=user.username,
            notification_id=notification_id,
            language=language_of(request),
        )
    hub.poke()
    return RedirectResponse(ui.path(f"#n-{notification_id}"), status_code=303)
