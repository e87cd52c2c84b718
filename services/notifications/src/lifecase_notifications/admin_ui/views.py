"""The webhook admin pages: through the service functions the API uses, rendered."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_notifications.webhooks import service
from lifecase_notifications.webhooks.access import require_admin, require_reader
from lifecase_notifications.webhooks.payload import OFFERED
from lifecase_notifications.webhooks.schemas import WebhookCreate, WebhookCreated, WebhookUpdate
from lifecase_platform.deps import SessionDep, SessionsDep, WebUIDep
from lifecase_platform.errors import DomainError, Invalid
from lifecase_platform.ratelimit import count
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.i18n import language_of

router = APIRouter(include_in_schema=False)
WILDCARDS = ("*", "lifecase.case.*", "lifecase.subcase.*", "lifecase.template.*")
DONE = frozenset({"paused", "resumed", "replayed", "deleted"})


@router.get("/")
async def webhooks_page(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep
) -> Response:
    """Every subscription with its state; for administrators, the form to add one."""
    require_reader(user)
    return await _list_page(request, ui, session, user.is_admin)


async def _list_page(
    request: Request,
    ui: WebUI,
    session: AsyncSession,
    may_change: bool,
    *,
    created: WebhookCreated | None = None,
    form: dict[str, Any] | None = None,
    problem: str | None = None,
    incomplete: bool = False,
    status_code: int = 200,
) -> Response:
    done = request.query_params.get("done")
    context = {
        "subscriptions": await service.list_subscriptions(session=session),
        "may_change": may_change,
        "created": created,
        "form": form or {"url": "", "description": "", "event_types": []},
        "problem": problem,
        "incomplete": incomplete,
        "choices": [*WILDCARDS, *OFFERED],
        "done": done if done in DONE else None,
    }
    return ui.render(request, "admin_webhooks/list.html", context, status_code=status_code)


@router.post("/")
async def create_webhook(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """Register a subscription; the page then shows its secret, this once."""
    require_admin(user)
    await count(request, "admin", user)
    data = await request.form()
    form = {
        "url": str(data.get("url") or "")[:2000],
        "description": str(data.get("description") or "")[:500],
        "event_types": [str(t)[:100] for t in data.getlist("event_types")][:50],
    }
    try:
        spec = WebhookCreate(**form)
    except ValueError:
        spec = None
    async with sessions() as session:
        if spec is None or not form["event_types"]:
            return await _list_page(
                request, ui, session, True, form=form, incomplete=True, status_code=422
            )
        try:
            async with session.begin():
                created = await service.create_subscription(
                    session=session, spec=spec, by=user.username
                )
        except Invalid as invalid:
            problem = _text(invalid, request)
            return await _list_page(
                request, ui, session, True, form=form, problem=problem, status_code=422
            )
        return await _list_page(request, ui, session, True, created=created)


@router.get("/{subscription_id}")
async def webhook_page(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep, subscription_id: str
) -> Response:
    """One subscription and its delivery log: each delivery with its attempts, and for
    administrators replay, pause, resume and delete."""
    require_reader(user)
    subscription = await service.get_subscription(
        session=session, subscription_id=subscription_id[:64]
    )
    deliveries = await service.list_deliveries(
        session=session, subscription_id=subscription.id, limit=100
    )
    done = request.query_params.get("done")
    context = {
        "subscription": subscription,
        "deliveries": deliveries,
        "may_change": user.is_admin,
        "done": done if done in DONE else None,
    }
    return ui.render(request, "admin_webhooks/detail.html", context)


@router.post("/{subscription_id}/pause")
async def pause_webhook(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep, subscription_id: str
) -> Response:
    return await _set_active(request, user, ui, sessions, subscription_id[:64], active=False)


@router.post("/{subscription_id}/resume")
async def resume_webhook(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep, subscription_id: str
) -> Response:
    return await _set_active(request, user, ui, sessions, subscription_id[:64], active=True)


async def _set_active(
    request: Request,
    user: PageUser,
    ui: WebUI,
    sessions: SessionsDep,
    subscription_id: str,
    *,
    active: bool,
) -> Response:
    require_admin(user)
    await count(request, "admin", user)
    async with sessions() as session, session.begin():
        await service.update_subscription(
            session=session, subscription_id=subscription_id, changes=WebhookUpdate(active=active)
        )
    done = "resumed" if active else "paused"
    return RedirectResponse(ui.path(f"{subscription_id}?done={done}"), status_code=303)


@router.post("/{subscription_id}/delete")
async def delete_webhook(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep, subscription_id: str
) -> Response:
    require_admin(user)
    await count(request, "admin", user)
    async with sessions() as session, session.begin():
        await service.delete_subscription(session=session, subscription_id=subscription_id[:64])
    return RedirectResponse(ui.path("?done=deleted"), status_code=303)


@router.post("/{subscription_id}/deliveries/{delivery_id}/replay")
async def replay_delivery(
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    subscription_id: str,
    delivery_id: str,
) -> Response:
    require_admin(user)
    await count(request, "admin", user)
    subscription_id = subscription_id[:64]
    async with sessions() as session, session.begin():
        await service.replay(
            session=session, subscription_id=subscription_id, delivery_id=delivery_id[:64]
        )
    return RedirectResponse(ui.path(f"{subscription_id}?done=replayed"), status_code=303)


def _text(error: DomainError, request: Request) -> str | None:
    return error.text.pick(language_of(request)) if error.text else None
