"""The caseworker workspace's pages. Thin, like the API's views: read the request, call
routing's service functions, render. Typed text (questions, notes, search words) travels only
in POST bodies, never in URLs; every action posts and redirects back to the item."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import cast, get_args

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from lifecase_contracts.api import StatusFilter
from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.deps import OutboxDep, SessionsDep, WebUIDep
from lifecase_platform.errors import DomainError, NotFound
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import limited_page
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.i18n import language_of
from lifecase_routing import queues, workitems
from lifecase_routing.queues import ItemFilter
from lifecase_routing.workspace_ui import service as workspace

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
MAX_TEXT = 4000
STATUS_FILTERS: tuple[str, ...] = get_args(StatusFilter)
BLANK = Localized(da="Skriv noget i feltet.", en="Write something in the field.")
TOO_LONG = Localized(da=f"Skriv højst {MAX_TEXT} tegn.", en=f"Write at most {MAX_TEXT} characters.")
NO_QUEUE = Localized(
    da="Vælg den kø, opgaven skal flyttes til.", en="Choose the queue to transfer to."
)
NO_ASSIGNEE = Localized(da="Vælg, hvem der skal have opgaven.", en="Choose who gets the work item.")
Act = Callable[[AsyncSession], Awaitable[object]]


# --- My queues ------------------------------------------------------------------------------


@router.get("/")
async def my_queues(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """The queues of the caseworker's units with their open, due-soon and breached counts."""
    async with sessions() as session:
        found = await queues.visible_queues(session=session, user=user)
        units = await workspace.unit_names(session=session)
    return ui.render(request, "workspace/queues.html", {"queues": found, "units": units})


# --- A queue --------------------------------------------------------------------------------


async def _queue_page(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    queue: str,
    form: Mapping[str, str],
) -> Response:
    status = form.get("status") or "open"
    filters = ItemFilter(
        status=cast(StatusFilter, status) if status in STATUS_FILTERS else "open",
        assignee="me" if form.get("mine") else None,
        text=(form.get("text") or "").strip()[:200] or None,
    )
    after = form.get("after") or None
    async with sessions() as session:
        summary = await queues.queue_summary(session=session, user=user, queue=queue)
        items, next_cursor = await queues.queue_items(
            session=session, user=user, queue=queue, filters=filters, limit=PAGE_SIZE, after=after
        )
    context = {
        "queue": summary,
        "items": items,
        "next_cursor": next_cursor,
        "filters": {"status": filters.status, "mine": bool(form.get("mine")), "text": filters.text},
        "statuses": STATUS_FILTERS,
        "paged": after is not None,
        "done": request.query_params.get("done"),
    }
    return ui.render(request, "workspace/queue.html", context)


@router.get("/queues/{queue}")
async def queue_page(
    queue: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """A queue's open items, earliest due first."""
    return await _queue_page(request, user, ui, sessions, queue, {})


@router.post("/queues/{queue}", dependencies=[Depends(limited_page("search"))])
async def filter_queue(
    queue: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """Filter a queue, or turn to its next page. A POST, because the search text may be a
    name or a CPR number, which must not end up in URLs, browser history or access logs."""
    form = await request.form()
    values = {
        k: v for k in ("status", "mine", "text", "after") if isinstance(v := form.get(k), str)
    }
    return await _queue_page(request, user, ui, sessions, queue, values)


# --- A work item ----------------------------------------------------------------------------


async def _item_page(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    outbox: Outbox,
    item_id: str,
    *,
    errors: Mapping[str, str] | None = None,
    problem: str | None = None,
    values: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    handle, item = await workitems.read_detail(
        sessions=sessions,
        outbox=outbox,
        user=user,
        item_id=item_id,
    )
    async with sessions() as session:
        context = {
            "item": item,
            "unit": handle.unit,
            "units": await workspace.unit_names(session=session),
            "siblings": await workspace.case_context(session=session, handle=handle),
            "targets": await workspace.transfer_targets(session=session, current=item.queue),
            "leads": handle.leads,
            "members": await workspace.unit_members(session=session, unit=handle.unit)
            if handle.leads
            else [],
            "done": request.query_params.get("done"),
            "errors": errors or {},
            "problem": problem,
            "values": values or {},
        }
    return ui.render(request, "workspace/item.html", context, status_code=status_code)


@router.get("/items/{item_id}")
async def item_page(
    item_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """One work item: its fields, SLA clock, routing, case, conversation and actions."""
    return await _item_page(request, user, ui, sessions, outbox, item_id)


async def _act(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    outbox: Outbox,
    item_id: str,
    action: str,
    act: Act,
    values: Mapping[str, str] | None = None,
) -> Response:
    """Run one action in one transaction and go back to the item; a refusal (someone else
    took it, it is closed, the queue is wrong) is shown on the item page instead."""
    try:
        async with sessions() as session, session.begin():
            before = await workitems.open_item(session=session, user=user, item_id=item_id)
            before.access.require_action(before.unit, action)
            await act(session)
            await workitems.log_access(session=session, outbox=outbox, handle=before, action=action)
    except DomainError as error:
        if error.status in (401, 403, 404) or error.text is None:
            raise
        field_errors = {}
        if action in ("transfer", "assign") and error.errors:
            field = "transfer_queue" if action == "transfer" else "assignee"
            field_errors[field] = error.text.pick(language_of(request))
        return await _item_page(
            request,
            user,
            ui,
            sessions,
            outbox,
            item_id,
            errors=field_errors,
            problem=None if field_errors else error.text.pick(language_of(request)),
            values=values,
            status_code=error.status,
        )
    return RedirectResponse(ui.path(f"items/{item_id}?done={action}"), status_code=303)


def _texts(request: Request, form: FormData, *names: str) -> tuple[dict[str, str], dict[str, str]]:
    """The named text fields of a form, stripped, and an error for each blank or long one."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in names:
        raw = form.get(name)
        values[name] = raw.strip() if isinstance(raw, str) else ""
        if not values[name]:
            errors[name] = BLANK.pick(language_of(request))
        elif len(values[name]) > MAX_TEXT:
            errors[name] = TOO_LONG.pick(language_of(request))
    return values, errors


@router.get("/items/{item_id}/conversation")
async def conversation(
    item_id: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """The conversation alone: the item page polls it while it waits for the reporter. Once
    the answer has come it also replaces the item's status, assignee and deadline, and the
    polling stops; nothing else on the page (a half-written note) is touched."""
    async with sessions() as session:
        item = await workitems.detail(session=session, user=user, item_id=item_id)
    answered = item.status != "waiting_for_reporter"
    return ui.render(request, "workspace/_conversation.html", {"item": item, "answered": answered})


@router.get("/items/{item_id}/{action}")
async def back_to_item(item_id: str, action: str, request: Request, ui: WebUIDep) -> Response:
    """An action's address asked for as a page (the language switch on a page that answered
    a post, a reload): the item page, in the language asked for."""
    lang = request.query_params.get("lang")
    query = f"?lang={lang}" if lang in ("da", "en") else ""
    return RedirectResponse(ui.path(f"items/{item_id}{query}"), status_code=303)


@router.post("/items/{item_id}/claim")
async def claim(
    item_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    return await _act(
        request,
        user,
        ui,
        sessions,
        outbox,
        item_id,
        "claim",
        lambda s: workitems.claim(session=s, user=user, item_id=item_id),
    )


@router.post("/items/{item_id}/unassign")
async def unassign(
    item_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """Put the item back in the queue (its assignee, or a lead of the unit)."""
    return await _act(
        request,
        user,
        ui,
        sessions,
        outbox,
        item_id,
        "unassign",
        lambda s: workitems.unassign(session=s, user=user, item_id=item_id),
    )


@router.post("/items/{item_id}/assign")
async def assign(
    item_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """Give the item to a member of the unit (the unit's leads only)."""
    chosen = (await request.form()).get("assignee")
    assignee = chosen if isinstance(chosen, str) else ""
    if not assignee:
        errors = {"assignee": NO_ASSIGNEE.pick(language_of(request))}
        return await _item_page(
            request, user, ui, sessions, outbox, item_id, errors=errors, status_code=422
        )
    return await _act(
        request,
        user,
        ui,
        sessions,
        outbox,
        item_id,
        "assign",
        lambda s: workitems.assign(session=s, user=user, item_id=item_id, assignee=assignee),
        {"assignee": assignee},
    )


# Each text action: its form field, and the service call that takes that text.
TextAction = Callable[[Outbox, AsyncSession, Principal, str, str], Awaitable[object]]
TEXT_ACTIONS: dict[str, tuple[str, TextAction]] = {
    "request-info": (
        "question",
        lambda o, s, u, i, t: workitems.request_info(
            session=s, outbox=o, user=u, item_id=i, question=t
        ),
    ),
    "message": (
        "message",
        lambda o, s, u, i, t: workitems.message_reporter(
            session=s, outbox=o, user=u, item_id=i, text=t
        ),
    ),
    "note": (
        "note",
        lambda o, s, u, i, t: workitems.add_note(session=s, user=u, item_id=i, text=t),
    ),
    "reject": (
        "reject_reason",
        lambda o, s, u, i, t: workitems.reject(session=s, outbox=o, user=u, item_id=i, reason=t),
    ),
    "resolve": (
        "resolution",
        lambda o, s, u, i, t: workitems.resolve(
            session=s, outbox=o, user=u, item_id=i, resolution=t
        ),
    ),
}


@router.post("/items/{item_id}/transfer")
async def transfer(
    item_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """Move the item to another queue, with a reason (a routing miss of its rule)."""
    form = await request.form()
    values, errors = _texts(request, form, "transfer_reason")
    target = form.get("transfer_queue")
    values["transfer_queue"] = target if isinstance(target, str) else ""
    if not values["transfer_queue"]:
        errors["transfer_queue"] = NO_QUEUE.pick(language_of(request))
    if errors:
        return await _item_page(
            request,
            user,
            ui,
            sessions,
            outbox,
            item_id,
            errors=errors,
            values=values,
            status_code=422,
        )
    left: list[str] = []

    async def move(session: AsyncSession) -> None:
        handle = await workitems.open_item(session=session, user=user, item_id=item_id)
        left.append(handle.item.queue)
        await workitems.transfer(
            session=session,
            outbox=outbox,
            user=user,
            item_id=item_id,
            queue=values["transfer_queue"],
            reason=values["transfer_reason"],
        )

    response = await _act(request, user, ui, sessions, outbox, item_id, "transfer", move, values)
    if left and response.status_code == 303:
        # The item now belongs to another queue, often another unit's: back to the queue it left.
        return RedirectResponse(ui.path(f"queues/{left[0]}?done=transfer"), status_code=303)
    return response


@router.post("/items/{item_id}/{action}")
async def text_action(
    item_id: str,
    action: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """Ask the reporter, write to them, note something, reject or resolve: one text each."""
    if action not in TEXT_ACTIONS:
        raise NotFound()
    field, call = TEXT_ACTIONS[action]
    values, errors = _texts(request, await request.form(), field)
    if errors:
        return await _item_page(
            request,
            user,
            ui,
            sessions,
            outbox,
            item_id,
            errors=errors,
            values=values,
            status_code=422,
        )
    text = values[field]
    return await _act(
        request,
        user,
        ui,
        sessions,
        outbox,
        item_id,
        action,
        lambda s: call(outbox, s, user, item_id, text),
        values,
    )
