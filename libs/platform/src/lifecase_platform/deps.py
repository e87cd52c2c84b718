"""Typed FastAPI dependencies for what a service's composition root puts on ``app.state``.

A route declares what it needs as a parameter (``sessions: SessionsDep``) instead of reaching
into the untyped ``request.app.state``: its signature says what it touches, and mypy checks
how it is used. Only this module (and a service's own ``deps`` module, for objects only that
service has) reads ``app.state``; the bootstrap modules write it.

Each reads ``request.app``, the app that serves the route: a mounted portal or workspace has
state of its own. None of them adds a parameter to the OpenAPI schema.

``SessionDep`` and ``TxSessionDep`` end before the response is sent (``scope="function"``),
as the ``async with`` blocks they replace did: a client that reads right after a write sees
it, a failed commit is the route's error, and the connection is not held while the response
goes out. A route that works before or after its transaction takes ``SessionsDep`` and opens
the transaction itself, so commits happen where they always did.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_platform.attachments import AttachmentStore
from lifecase_platform.db import SessionFactory
from lifecase_platform.outbox import Outbox
from lifecase_platform.settings import PlatformSettings
from lifecase_platform.webui.templating import WebUI


def session_factory(request: Request) -> SessionFactory:
    """The service's database sessions (set when the service starts)."""
    sessions: SessionFactory = request.app.state.sessions
    return sessions


SessionsDep = Annotated[SessionFactory, Depends(session_factory)]


async def read_session(sessions: SessionsDep) -> AsyncIterator[AsyncSession]:
    """A session for the route's reads, closed before the response is sent."""
    async with sessions() as session:
        yield session


async def transaction(sessions: SessionsDep) -> AsyncIterator[AsyncSession]:
    """A session in one transaction: committed when the route returns, rolled back when it
    raises, either way before the response is sent."""
    async with sessions() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(read_session, scope="function")]
TxSessionDep = Annotated[AsyncSession, Depends(transaction, scope="function")]


def outbox(request: Request) -> Outbox:
    """The service's outbox: events written in the change's transaction."""
    found: Outbox = request.app.state.outbox
    return found


OutboxDep = Annotated[Outbox, Depends(outbox)]


def jetstream(request: Request) -> JetStreamContext:
    """The service's JetStream context (dead letters, token revocations)."""
    js: JetStreamContext = request.app.state.js
    return js


JetStreamDep = Annotated[JetStreamContext, Depends(jetstream)]


def attachment_store(request: Request) -> AttachmentStore:
    """Where the files attached to messages are kept (ADR 0029)."""
    store: AttachmentStore = request.app.state.attachments
    return store


AttachmentStoreDep = Annotated[AttachmentStore, Depends(attachment_store)]


def settings(request: Request) -> PlatformSettings:
    """The service's settings, as far as every service shares them."""
    found: PlatformSettings = request.app.state.settings
    return found


SettingsDep = Annotated[PlatformSettings, Depends(settings)]


def web_ui(request: Request) -> WebUI:
    """The web UI (layout, templates, languages) of the portal or workspace serving a page."""
    ui: WebUI = request.app.state.ui
    return ui


WebUIDep = Annotated[WebUI, Depends(web_ui)]
