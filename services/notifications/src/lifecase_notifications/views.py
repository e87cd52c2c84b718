"""The reporter's in-app notifications."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from lifecase_contracts.api import NotificationPublic, Problem, UnreadCount
from lifecase_contracts.events import Localized
from lifecase_notifications import service
from lifecase_notifications.email.views import remember_caller
from lifecase_notifications.live import InboxHub, Update
from lifecase_platform.auth import CurrentUser, Principal, current_principal
from lifecase_platform.deps import SessionDep, TxSessionDep
from lifecase_platform.errors import DomainError
from lifecase_platform.problems import language
from lifecase_platform.webui.session import session_principal

router = APIRouter(prefix="/api/v1", tags=["notifications"])
PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
EVENT_STREAM = "text/event-stream"
# A stream ends after this long and the browser opens a new one (``retry``), which checks
# the session again: a signed-out or revoked person stops hearing within minutes.
STREAM_SECONDS = 300.0
RETRY_MS = 2000
PING_SECONDS = 15


class NotAnEventStreamClient(DomainError):
    status = 406
    type = "urn:lifecase:problem:not-acceptable"
    default = Localized(
        da="Strømmen sendes kun til en klient, der beder om text/event-stream (Accept).",
        en="The stream is only sent to a client that asks for text/event-stream (Accept).",
    )


def inbox_hub(request: Request) -> InboxHub:
    """The process's live inbox (set when the service starts)."""
    hub: InboxHub = request.app.state.inbox_hub
    return hub


HubDep = Annotated[InboxHub, Depends(inbox_hub)]


def stream_reader(request: Request) -> Principal:
    """The bearer token's person, or the pages' session cookie's: a browser's EventSource
    cannot send headers, only the cookie (``SameSite=Lax``, so never from another site)."""
    if "authorization" not in request.headers:
        principal = session_principal(request)
        if principal is not None:
            return principal
    return current_principal(request)


StreamReader = Annotated[Principal, Depends(stream_reader)]


@router.get(
    "/notifications",
    responses={401: {"model": Problem, "content": {"application/problem+json": {}}}},
    dependencies=[Depends(remember_caller)],  # keeps the caller's e-mail address current
)
async def list_notifications(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationPublic]:
    """The caller's notifications, newest first, in Danish or English (Accept-Language)."""
    return await service.inbox(
        session=session, recipient=user.username, language=language(request), limit=limit
    )


@router.get("/notifications/unread-count", responses={401: PROBLEM})
async def count_unread(user: CurrentUser, session: SessionDep) -> UnreadCount:
    """How many of the caller's notifications are unread (the number on the bell)."""
    return UnreadCount(unread=await service.unread_count(session=session, recipient=user.username))


@router.post("/notifications/{notification_id}/read", responses={401: PROBLEM, 404: PROBLEM})
async def mark_read(
    notification_id: str, request: Request, user: CurrentUser, session: TxSessionDep, hub: HubDep
) -> NotificationPublic:
    """Mark one of the caller's notifications read. Another person's notifications do not
    exist for the caller (404)."""
    read = await service.mark_read(
        session=session,
        recipient=user.username,
        notification_id=notification_id,
        language=language(request),
    )
    hub.poke()
    return read


@router.post("/notifications/read-all", responses={401: PROBLEM})
async def mark_all_read(user: CurrentUser, session: TxSessionDep, hub: HubDep) -> UnreadCount:
    """Mark every notification of the caller's read."""
    await service.mark_all_read(session=session, recipient=user.username)
    hub.poke()
    return UnreadCount(unread=0)


@router.get(
    "/notifications/stream",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": 'Server-Sent Events: ``unread`` (``{"unread": 2}``) when the '
            "stream opens and whenever the count changes, ``notification`` (a notification, "
            "as in the list) for each new one, and a comment every 15 s.",
            "content": {EVENT_STREAM: {"schema": {"type": "string"}}},
        },
        401: PROBLEM,
        406: PROBLEM,
        429: PROBLEM,
    },
)
async def stream(request: Request, user: StreamReader, hub: HubDep) -> EventSourceResponse:
    """The caller's unread count and new notifications as they are recorded, as
    Server-Sent Events. Signed in by bearer token or by the pages' session cookie; only for
    a client that asks for ``text/event-stream``; at most five open per person. It ends
    after five minutes, and the browser opens it again."""
    if EVENT_STREAM not in request.headers.get("accept", ""):
        raise NotAnEventStreamClient()
    hub.admit(user.username)
    lang = language(request)

    async def events() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(retry=RETRY_MS, comment="inbox")
        async with hub.subscribe(user.username) as queue:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(STREAM_SECONDS):
                    while (update := await queue.get()) is not None:
                        for event in _events(update, lang):
                            yield event

    return EventSourceResponse(
        events(), ping=PING_SECONDS, send_timeout=10, headers={"Cache-Control": "no-store"}
    )


def _events(update: Update, lang: str) -> list[ServerSentEvent]:
    events = [
        ServerSentEvent(data=service.to_public(n, lang).model_dump_json(), event="notification")
        for n in update.new
    ]
    return [*events, ServerSentEvent(data=_json({"unread": update.unread}), event="unread")]


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
