"""The triage model's admin page, ``/admin/routing/triage``: every version with its
evaluation on a held-out split, training a new draft (administrators), approving and
activating a draft (someone other than who trained it: four eyes), and the recent training
examples from caseworkers' transfers. Changes go through the service functions the API uses,
with the API's access-log lines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.deps import OutboxDep, SessionDep, SessionsDep, SettingsDep, WebUIDep
from lifecase_platform.errors import DomainError
from lifecase_platform.ratelimit import count
from lifecase_platform.web import VersionNumber
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.admin_area import require_admin_area
from lifecase_platform.webui.i18n import language_of
from lifecase_routing.admin_views import admin_principal
from lifecase_routing.models import Queue
from lifecase_routing.settings import RoutingSettings
from lifecase_routing.triage import service, store
from lifecase_routing.triage.model import LIFE_EVENTS, TRIAGE, UNITS

router = APIRouter(include_in_schema=False)
EXAMPLES_SHOWN = 50


@router.get("/triage")
async def triage_page(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep
) -> Response:
    """The versions with their evaluations, newest first, and the latest examples."""
    require_admin_area(user)
    return await _page(request, user, ui, session)


async def _page(
    request: Request,
    user: Principal,
    ui: WebUI,
    session: AsyncSession,
    *,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    versions = await store.list_versions(session)
    context: dict[str, Any] = {
        "versions": versions,
        "refusals": {
            v.version: _text(request, service.may_activate(v, user))
            for v in versions
            if v.status == "draft"
        },
        "classifiers": [LIFE_EVENTS, UNITS],
        "triage_label": TRIAGE,
        "examples": await store.list_examples(session, limit=EXAMPLES_SHOWN),
        "queue_names": {
            key: Localized(da=da, en=en)
            for key, da, en in await session.execute(
                select(Queue.key, Queue.name_da, Queue.name_en)
            )
        },
        "may_train": user.is_admin,
        "done": request.query_params.get("done"),
        "number": request.query_params.get("version"),
        "problem": problem,
    }
    return ui.render(request, "admin_routing/triage.html", context, status_code=status_code)


def _text(request: Request, text: Localized | None) -> str | None:
    return None if text is None else text.pick(language_of(request))


@router.post("/triage/train")
async def train(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    settings: SettingsDep,
) -> Response:
    """Train a new draft from the seed set and the history (takes some seconds)."""
    admin = await admin_principal(request, user)
    threshold = settings.triage_threshold if isinstance(settings, RoutingSettings) else 0.5
    row = await service.train_version(
        sessions=sessions, outbox=outbox, by=admin, threshold=threshold
    )
    return RedirectResponse(ui.path(f"triage?done=trained&version={row.version}"), status_code=303)


@router.post("/triage/{version}/activate")
async def activate(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    version: VersionNumber,
) -> Response:
    """Approve a draft and route with it from now on; refused, with the reason on the page,
    for the one who trained it."""
    require_admin_area(user)
    await count(request, "admin", user)
    try:
        async with sessions() as session, session.begin():
            await service.activate_version(session=session, outbox=outbox, version=version, by=user)
    except DomainError as error:
        if error.status in (401, 404) or error.text is None:
            raise
        async with sessions() as session:
            return await _page(
                request,
                user,
                ui,
                session,
                problem=_text(request, error.text),
                status_code=error.status,
            )
    return RedirectResponse(ui.path(f"triage?done=activated&version={version}"), status_code=303)
