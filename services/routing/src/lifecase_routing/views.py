"""Caseworker and robot API: queues and the work items in them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import (
    ItemSearch,
    Order,
    Problem,
    QueuePublic,
    Resolve,
    StatusFilter,
    WorkItemDetail,
    WorkItemPage,
    WorkItemPublic,
)
from lifecase_contracts.preview import (
    DirectoryPublic,
    RoutingPreviewRequest,
    RoutingPreviewResult,
)
from lifecase_contracts.workspace import (
    Assign,
    CommentPublic,
    InfoRequest,
    MessageCreate,
    NoteCreate,
    Reject,
    Transfer,
)
from lifecase_platform import attachments
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import (
    AttachmentStoreDep,
    OutboxDep,
    SessionDep,
    SessionsDep,
    TxSessionDep,
)
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import limited
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing import preview, queues, workitems
from lifecase_routing.queues import ItemFilter
from lifecase_routing.workitems import Handle

router = APIRouter(prefix="/api/v1", tags=["queues"])
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (400, 401, 403, 404, 409, 422, 429)
}
Act = Callable[[AsyncSession], Awaitable[Handle]]


async def _act(
    session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, action: str, act: Act
) -> WorkItemPublic:
    """Run one action on an item in the route's transaction (``TxSessionDep``), access log
    included: all of it happens, or nothing."""
    before = await workitems.open_item(session=session, user=user, item_id=item_id)
    before.access.require_action(before.unit, action)
    handle = await act(session)
    await workitems.log_access(session=session, outbox=outbox, handle=before, action=action)
    return await workitems.public(session=session, handle=handle)


@router.post("/routing/preview", tags=["routing rules"], responses=PROBLEMS)
async def preview_routes(
    body: RoutingPreviewRequest, _: CurrentUser, session: SessionDep
) -> list[RoutingPreviewResult]:
    """Where the active rules would send each sub-case (any signed-in user; nothing is
    stored): queue and unit with their names, the rule, and the SLA due date. The portal
    shows it before a reporter submits."""
    return await preview.preview_routes(session=session, items=body.items, today=today_in_denmark())


@router.get("/routing/directory", tags=["routing rules"], responses=PROBLEMS)
async def directory(_: CurrentUser, session: SessionDep) -> DirectoryPublic:
    """The names of every unit and queue (any signed-in user), so a reporter reads "Payroll"
    where a work item went, not a key."""
    return await preview.directory(session=session)


@router.get("/queues", responses=PROBLEMS)
async def list_queues(user: CurrentUser, session: SessionDep) -> list[QueuePublic]:
    """The queues of the caller's units, with items counted per status and per SLA state."""
    return await queues.visible_queues(session=session, user=user)


@router.get("/queues/{queue}", responses=PROBLEMS)
async def get_queue(queue: str, user: CurrentUser, session: SessionDep) -> QueuePublic:
    """One queue with its counts per status, due soon and breached."""
    return await queues.queue_summary(session=session, user=user, queue=queue)


@router.get("/queues/{queue}/items", responses=PROBLEMS, dependencies=[Depends(limited("search"))])
async def list_items(
    queue: str,
    user: CurrentUser,
    session: SessionDep,
    status: StatusFilter = "open",
    assignee: Annotated[str | None, Query(max_length=100, description="a user, me or none")] = None,
    due_before: date | None = None,
    subcase_type: Annotated[str | None, Query(max_length=100)] = None,
    order: Order = "due",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> WorkItemPage:
    """A queue's work items, earliest due first (``order=-due``: latest first), open ones
    unless ``status`` says otherwise. Pass ``next_cursor`` back as ``after``. To search by
    free text, POST to ``/queues/{queue}/items/search``."""
    search = ItemSearch(
        status=status,
        assignee=assignee,
        due_before=due_before,
        subcase_type=subcase_type,
        order=order,
        limit=limit,
        after=after,
    )
    return await _items(session, user, queue, search)


@router.post(
    "/queues/{queue}/items/search",
    responses=PROBLEMS,
    dependencies=[Depends(limited("search"))],
)
async def search_items(
    queue: str, body: ItemSearch, user: CurrentUser, session: SessionDep
) -> WorkItemPage:
    """The queue's work items that match the search, as ``GET /queues/{queue}/items`` lists
    them; ``text`` matches the title, the type and the carried fields (a name, a CPR
    number), which is why it travels in the body and never in the URL."""
    return await _items(session, user, queue, body)


async def _items(
    session: AsyncSession, user: Principal, queue: str, search: ItemSearch
) -> WorkItemPage:
    filters = ItemFilter(
        status=search.status,
        assignee=search.assignee,
        due_before=search.due_before,
        subcase_type=search.subcase_type,
        text=search.text,
        order=search.order,
    )
    items, next_cursor = await queues.queue_items(
        session=session,
        user=user,
        queue=queue,
        filters=filters,
        limit=search.limit,
        after=search.after,
    )
    return WorkItemPage(items=items, next_cursor=next_cursor)


@router.post(
    "/queues/{queue}/claim-next",
    response_model=WorkItemPublic,
    responses={**PROBLEMS, 204: {"description": "Nothing in the queue to claim."}},
)
async def claim_next(
    queue: str, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic | Response:
    """Claim the unassigned item that is due first (for robots and for caseworkers who take
    the next one); 204 when there is none."""
    handle = await queues.claim_next(session=session, outbox=outbox, user=user, queue=queue)
    if handle is None:
        return Response(status_code=204)
    handle.access.require_action(handle.unit, "claim")  # refused: the claim rolls back
    await workitems.log_access(session=session, outbox=outbox, handle=handle, action="claim")
    return await workitems.public(session=session, handle=handle)


@router.get("/work-items/{item_id}", responses=PROBLEMS)
async def get_item(
    item_id: str, user: CurrentUser, sessions: SessionsDep, outbox: OutboxDep
) -> WorkItemDetail:
    """One work item: its carried fields, the rule and rule-set version that routed it, its
    SLA clock, internal notes and the conversation with the reporter."""
    _, item = await workitems.read_detail(
        sessions=sessions,
        outbox=outbox,
        user=user,
        item_id=item_id,
    )
    return item


@router.get(
    "/work-items/{item_id}/attachments/{attachment_id}",
    responses={200: {"content": {t: {} for t in attachments.ALLOWED_TYPES}}, **PROBLEMS},
    response_class=Response,
)
async def download_attachment(
    item_id: str,
    attachment_id: Annotated[str, Path(max_length=64, description="The attachment's id.")],
    user: CurrentUser,
    sessions: SessionsDep,
    outbox: OutboxDep,
    store: AttachmentStoreDep,
) -> Response:
    """A file the reporter attached to a message filed with this item, as a download, for
    those who may read the item. The download goes into the access log."""
    stored, data = await workitems.read_attachment(
        sessions=sessions,
        outbox=outbox,
        store=store,
        user=user,
        item_id=item_id,
        attachment_id=attachment_id,
    )
    return attachments.download(stored, data)


@router.post("/work-items/{item_id}/claim", responses=PROBLEMS)
async def claim(
    item_id: str, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Take a work item: it is assigned to the caller."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "claim",
        lambda s: workitems.claim(session=s, outbox=outbox, user=user, item_id=item_id),
    )


@router.post("/work-items/{item_id}/assign", responses=PROBLEMS)
async def assign(
    item_id: str, body: Assign, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Give the item to a member of its unit (the unit's leads only)."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "assign",
        lambda s: workitems.assign(
            session=s, outbox=outbox, user=user, item_id=item_id, assignee=body.assignee
        ),
    )


@router.post("/work-items/{item_id}/unassign", responses=PROBLEMS)
async def unassign(
    item_id: str, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Put the item back in its queue (its assignee, or a lead of the unit)."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "unassign",
        lambda s: workitems.unassign(session=s, outbox=outbox, user=user, item_id=item_id),
    )


@router.post("/work-items/{item_id}/transfer", responses=PROBLEMS)
async def transfer(
    item_id: str, body: Transfer, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Move the item to another queue, with a reason. Counts as a routing miss of the rule
    that sent it; the reporter's view follows."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "transfer",
        lambda s: workitems.transfer(
            session=s,
            outbox=outbox,
            user=user,
            item_id=item_id,
            queue=body.queue,
            reason=body.reason,
        ),
    )


@router.post("/work-items/{item_id}/notes", status_code=201, responses=PROBLEMS)
async def add_note(
    item_id: str, body: NoteCreate, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> CommentPublic:
    """An internal note for the unit's caseworkers; the reporter never sees it."""
    handle = await workitems.open_item(session=session, user=user, item_id=item_id)
    handle.access.require_action(handle.unit, "note")
    note = await workitems.add_note(session=session, user=user, item_id=item_id, text=body.text)
    await workitems.log_access(session=session, outbox=outbox, handle=handle, action="note")
    return note


@router.post("/work-items/{item_id}/request-info", responses=PROBLEMS)
async def request_info(
    item_id: str, body: InfoRequest, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Ask the reporter a question: the item waits for the answer, its SLA clock stops, and
    the reporter is notified. Their reply resumes it."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "request-info",
        lambda s: workitems.request_info(
            session=s,
            outbox=outbox,
            user=user,
            item_id=item_id,
            question=body.question,
        ),
    )


@router.post("/work-items/{item_id}/messages", responses=PROBLEMS)
async def message_reporter(
    item_id: str, body: MessageCreate, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Send the reporter a message that needs no answer; the SLA clock runs on."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "message",
        lambda s: workitems.message_reporter(
            session=s, outbox=outbox, user=user, item_id=item_id, text=body.text
        ),
    )


@router.post("/work-items/{item_id}/resolve", responses=PROBLEMS)
async def resolve(
    item_id: str, body: Resolve, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Resolve a work item; the case's workflow and the reporter are told."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "resolve",
        lambda s: workitems.resolve(
            session=s,
            outbox=outbox,
            user=user,
            item_id=item_id,
            resolution=body.resolution,
        ),
    )


@router.post("/work-items/{item_id}/reject", responses=PROBLEMS)
async def reject(
    item_id: str, body: Reject, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> WorkItemPublic:
    """Refuse the sub-case with a reason the reporter sees."""
    return await _act(
        session,
        outbox,
        user,
        item_id,
        "reject",
        lambda s: workitems.reject(
            session=s,
            outbox=outbox,
            user=user,
            item_id=item_id,
            reason=body.reason,
        ),
    )
