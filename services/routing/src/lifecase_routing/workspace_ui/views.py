"""The caseworker workspace's pages. Thin, like the API's views: read the request, call
routing's service functions, render. Typed text (questions, notes, search words) travels only
in POST bodies, never in URLs; every action posts and redirects back to the item."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import cast, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from lifecase_contracts.api import StatusFilter
from lifecase_contracts.events import Localized
from lifecase_platform import attachments
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.deps import AttachmentStoreDep, OutboxDep, SessionsDep, WebUIDep
from lifecase_platform.errors import DomainError, NotFound
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import limited_page
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.i18n import language_of
from lifecase_routing import people, queues, workitems
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
    await remember_signed_in(sessions, user)
    async with sessions() as session:
        found = await queues.visible_queues(session=session, user=user)
        units = await workspace.unit_names(session=session)
    return ui.render(request, "workspace/queues.html", {"queues": found, "units": units})


# --- A queue --------------------------------------------------------------------------------


def _view_of(query: Mapping[str, str]) -> tuple[ItemFilter, bool]:
    """The filter a queue page shows (status, "only mine"), and whether "only mine" is on."""
    status = query.get("status") or "open"
    mine = query.get("mine") == "1"
    filters = ItemFilter(
        status=cast(StatusFilter, status) if status in STATUS_FILTERS else "open",
        assignee="me" if mine else None,
    )
    return filters, mine


def queue_address(ui: WebUI, queue: str, params: Mapping[str, str | None]) -> str:
    """A queue page's address with its filters and page (never search words)."""
    kept = {k: v for k, v in params.items() if v and not (k == "status" and v == "open")}
    return ui.path(f"queues/{queue}") + (f"?{urlencode(kept)}" if kept else "")


def safe_back(ui: WebUI, back: object) -> str | None:
    """``back`` if it is a queue page of this workspace (a path, with its query); anything
    else (another site, another path) is dropped."""
    if not isinstance(back, str) or len(back) > 1000:
        return None
    prefix = re.escape(ui.path("queues/"))
    return back if re.fullmatch(prefix + r"[A-Za-z0-9_.-]+(\?[A-Za-z0-9_.%=&-]*)?", back) else None


async def _queue_page(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    queue: str,
    query: Mapping[str, str],
    text: str | None = None,
) -> Response:
    filters, mine = _view_of(query)
    if text:
        filters = replace(filters, text=text)
    after, before = query.get("after") or None, query.get("before") or None
    async with sessions() as session:
        summary = await queues.queue_summary(session=session, user=user, queue=queue)
        page = await queues.queue_page(
            session=session,
            user=user,
            queue=queue,
            filters=filters,
            limit=PAGE_SIZE,
            after=after,
            before=None if after else before,
        )
        names = await people.names(session, [i.assignee for i in page.items])
    view = {"status": filters.status, "mine": "1" if mine else None}
    context = {
        "queue": summary,
        "items": page.items,
        "names": names,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
        "filters": {"status": filters.status, "mine": mine, "text": filters.text},
        "statuses": STATUS_FILTERS,
        "paged": after is not None or before is not None,
        "first_page": queue_address(ui, queue, view),
        "next_page": queue_address(ui, queue, {**view, "after": page.next_cursor}),
        "previous_page": queue_address(ui, queue, {**view, "before": page.previous_cursor}),
        # Where an item's "Back to the queue" leads: this page, without the search words.
        "back": queue_address(ui, queue, {**view, "after": after, "before": before}),
        "done": query.get("done"),
    }
    return ui.render(request, "workspace/queue.html", context)


@router.get("/queues/{queue}")
async def queue_page(
    queue: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """A queue's items, earliest due first, filtered by status and "only mine", a page at a
    time: all in the address, so a filtered page can be bookmarked and Back returns to it."""
    query = {
        k: v
        for k in ("status", "mine", "after", "before", "done")
        if (v := request.query_params.get(k))
    }
    return await _queue_page(request, user, ui, sessions, queue, query)


@router.post("/queues/{queue}", dependencies=[Depends(limited_page("search"))])
async def search_queue(
    queue: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """Search a queue's items, or turn a page of the search. A POST, because the search text
    may be a name or a CPR number, which must not end up in URLs, browser history or access
    logs; without search words it is the filtered page's address."""
    form = await request.form()
    values = {
        k: v
        for k in ("status", "mine", "text", "after", "before")
        if isinstance(v := form.get(k), str)
    }
    text = values.pop("text", "").strip()[:200]
    if not text:
        view, _ = _view_of(values)
        address = {"status": view.status, "mine": values.get("mine")}
        return RedirectResponse(queue_address(ui, queue, address), status_code=303)
    return await _queue_page(request, user, ui, sessions, queue, values, text=text)


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
    back: str | None = None,
) -> Response:
    await remember_signed_in(sessions, user)
    handle, item = await workitems.read_detail(
        sessions=sessions,
        outbox=outbox,
        user=user,
        item_id=item_id,
    )
    async with sessions() as session:
        members = (
            await workspace.unit_members(session=session, unit=handle.unit) if handle.leads else []
        )
        known = [item.assignee, handle.item.reporter, *members]
        context = {
            "item": item,
            "unit": handle.unit,
            "units": await workspace.unit_names(session=session),
            "siblings": await workspace.case_context(session=session, handle=handle),
            "targets": await workspace.transfer_targets(session=session, current=item.queue),
            "leads": handle.leads,
            "members": members,
            "done": request.query_params.get("done"),
            "errors": errors or {},
            "problem": problem,
            "values": values or {},
            "names": await people.names(session, known),
            "reporter": handle.item.reporter,
            "back": back,
        }
    return ui.render(request, "workspace/item.html", context, status_code=status_code)


async def remember_signed_in(sessions: SessionFactory, user: Principal) -> None:
    """Put the signed-in person's name (from their token) in the users directory, so that
    colleagues see it; read first, as it is nearly always there already."""
    if not user.name:
        return
    async with sessions() as session:
        known = await people.names(session, [user.username])
    if known.get(user.username) != user.name:
        async with sessions() as session, session.begin():
            await people.remember(session, username=user.username, name=user.name)


@router.get("/items/{item_id}")
async def item_page(
    item_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """One work item: its fields, SLA clock, routing, case, conversation and actions;
    ``back`` is the filtered queue page it was opened from."""
    back = safe_back(ui, request.query_params.get("back"))
    return await _item_page(request, user, ui, sessions, outbox, item_id, back=back)


@router.get("/items/{item_id}/attachments/{attachment_id}")
async def attachment(
    item_id: str,
    attachment_id: str,
    user: PageUser,
    sessions: SessionsDep,
    outbox: OutboxDep,
    store: AttachmentStoreDep,
) -> Response:
    """A file the reporter attached to a message on this item, as a download."""
    stored, data = await workitems.read_attachment(
        sessions=sessions,
        outbox=outbox,
        store=store,
        user=user,
        item_id=item_id,
        attachment_id=attachment_id,
    )
    return attachments.download(stored, data)


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
    back = safe_back(ui, (await request.form()).get("back"))
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
            back=back,
        )
    query = urlencode({"done": action, **({"back": back} if back else {})})
    return RedirectResponse(ui.path(f"items/{item_id}?{query}"), status_code=303)


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
        handle = await workitems.open_item(session=session, user=user, item_id=item_id)
        item = await workitems.detail(session=session, user=user, item_id=item_id)
        units = await workspace.unit_names(session=session)
        names = await people.names(session, [item.assignee])
    answered = item.status != "waiting_for_reporter"
    context = {
        "item": item,
        "answered": answered,
        "unit": handle.unit,
        "units": units,
        "names": names,
    }
    return ui.render(request, "workspace/_conversation.html", context)


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
        lambda s: workitems.claim(session=s, outbox=outbox, user=user, item_id=item_id),
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
        lambda s: workitems.unassign(session=s, outbox=outbox, user=user, item_id=item_id),
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
        back = safe_back(ui, (await request.form()).get("back"))
        return await _item_page(
            request, user, ui, sessions, outbox, item_id, errors=errors, status_code=422, back=back
        )
    return await _act(
        request,
        user,
        ui,
        sessions,
        outbox,
        item_id,
        "assign",
        lambda s: workitems.assign(
            session=s, outbox=outbox, user=user, item_id=item_id, assignee=assignee
        ),
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
            back=safe_back(ui, form.get("back")),
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
    form = await request.form()
    values, errors = _texts(request, form, field)
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
            back=safe_back(ui, form.get("back")),
        )
    text = values[field]
    if action == "reject" and form.get("confirmed") != "yes":
        return await _confirm_reject(request, user, ui, sessions, item_id, text, form.get("back"))
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


async def _confirm_reject(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    item_id: str,
    reason: str,
    back: object,
) -> Response:
    """The second step of rejecting: the reason as the reporter will read it, and a button
    that really rejects (the reason rides along in the form, never in an address)."""
    async with sessions() as session:
        item = await workitems.detail(session=session, user=user, item_id=item_id)
    context = {"item": item, "reason": reason, "back": safe_back(ui, back)}
    return ui.render(request, "workspace/reject.html", context)
