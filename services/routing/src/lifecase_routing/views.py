"""Caseworker and robot API: queues and the work items in them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from lifecase_contracts.api import Problem, QueuePublic, Resolve, WorkItemPage, WorkItemPublic
from lifecase_platform.auth import CurrentUser
from lifecase_routing import service

router = APIRouter(prefix="/api/v1", tags=["queues"])
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 404, 409, 422)
}


@router.get("/queues", responses=PROBLEMS)
async def list_queues(request: Request, user: CurrentUser) -> list[QueuePublic]:
    """The queues of the caller's units, with how many items are open in each."""
    async with request.app.state.sessions() as session:
        return await service.visible_queues(session=session, user=user)


@router.get("/queues/{queue}/items", responses=PROBLEMS)
async def list_items(
    queue: str,
    request: Request,
    user: CurrentUser,
    status: Literal["queued", "claimed", "resolved"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: Annotated[str | None, Query(max_length=64)] = None,
) -> WorkItemPage:
    """A queue's work items, earliest due first. Pass ``next_cursor`` back as ``after``."""
    async with request.app.state.sessions() as session:
        items, next_after = await service.queue_items(
            session=session, user=user, queue=queue, status=status, limit=limit, after=after
        )
    return WorkItemPage(items=items, next_cursor=next_after)


@router.get("/work-items/{item_id}", responses=PROBLEMS)
async def get_item(item_id: str, request: Request, user: CurrentUser) -> WorkItemPublic:
    """One work item, with the fields its unit may see and the rule that routed it."""
    async with request.app.state.sessions() as session:
        return service.to_public(
            await service.get_item(session=session, user=user, item_id=item_id)
        )


@router.post("/work-items/{item_id}/claim", responses=PROBLEMS)
async def claim(item_id: str, request: Request, user: CurrentUser) -> WorkItemPublic:
    """Take a work item: it is assigned to the caller."""
    async with request.app.state.sessions() as session, session.begin():
        item = await service.claim(session=session, user=user, item_id=item_id)
        return service.to_public(item)


@router.post("/work-items/{item_id}/resolve", responses=PROBLEMS)
async def resolve(
    item_id: str, body: Resolve, request: Request, user: CurrentUser
) -> WorkItemPublic:
    """Resolve a work item; the case's workflow and the reporter are told."""
    async with request.app.state.sessions() as session, session.begin():
        item = await service.resolve(
            session=session,
            outbox=request.app.state.outbox,
            user=user,
            item_id=item_id,
            resolution=body.resolution,
        )
        return service.to_public(item)
