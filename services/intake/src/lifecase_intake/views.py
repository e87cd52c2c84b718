"""Reporter API: submit one combined case, follow it, list what can be filed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from lifecase_contracts.api import (
    CaseCreate,
    CasePage,
    CasePublic,
    CaseReschedule,
    CaseWithdraw,
    EventTypePublic,
    Problem,
)
from lifecase_intake import service
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import OutboxDep, SessionDep, SessionsDep, TxSessionDep
from lifecase_platform.problems import language
from lifecase_platform.ratelimit import limited

router = APIRouter(prefix="/api/v1", tags=["cases"])


def reporter_only(user: CurrentUser) -> Principal:
    """Only reporters file cases: refused before the body is even read (403, not 422)."""
    service.require_reporter(user)
    return user


PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 413, 422, 429)
}


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEMS,
    dependencies=[Depends(reporter_only), Depends(limited("filing"))],
)
async def submit_case(
    body: CaseCreate,
    request: Request,
    response: Response,
    user: CurrentUser,
    sessions: SessionsDep,
    outbox: OutboxDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> CasePublic:
    """File one combined case for a life event. Repeating the request with the same
    ``Idempotency-Key`` returns the first case instead of creating another."""
    case, created = await service.submit_case(
        sessions=sessions,
        outbox=outbox,
        reporter=user,
        request=body,
        idempotency_key=idempotency_key,
        language=language(request),
    )
    response.headers["Location"] = f"/api/v1/cases/{case.id}"
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return case


@router.get("/cases", responses=PROBLEMS, dependencies=[Depends(limited("search"))])
async def list_cases(
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> CasePage:
    """The caller's own cases, newest first. Pass ``next_cursor`` back as ``cursor``."""
    items, next_cursor = await service.list_cases(
        session=session, reporter=user.username, limit=limit, cursor=cursor
    )
    return CasePage(items=items, next_cursor=next_cursor)


@router.get("/cases/{case_id}", responses=PROBLEMS)
async def get_case(
    case_id: str, user: CurrentUser, sessions: SessionsDep, outbox: OutboxDep
) -> CasePublic:
    """One of the caller's cases with every sub-case: its unit's queue, status and due date."""
    return await service.read_case(
        sessions=sessions,
        outbox=outbox,
        viewer=user,
        case_id=case_id,
    )


@router.patch("/cases/{case_id}", responses=PROBLEMS)
async def reschedule_case(
    case_id: str,
    body: CaseReschedule,
    request: Request,
    user: CurrentUser,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> CasePublic:
    """Change date fields of a running case (e.g. a new start date). Scheduled sub-cases move,
    open ones get new due dates, and sub-cases the new data no longer calls for are
    cancelled. An invalid change is refused as a whole."""
    return await service.reschedule_case(
        session=session,
        outbox=outbox,
        viewer=user,
        case_id=case_id,
        change=body,
        language=language(request),
    )


@router.post("/cases/{case_id}/withdraw", responses=PROBLEMS)
async def withdraw_case(
    case_id: str, body: CaseWithdraw, user: CurrentUser, session: TxSessionDep, outbox: OutboxDep
) -> CasePublic:
    """Withdraw a running case with a reason: scheduled sub-cases are dropped, open ones
    cancelled in their queues, and finished ones get follow-ups that reverse them."""
    return await service.withdraw_case(
        session=session,
        outbox=outbox,
        viewer=user,
        case_id=case_id,
        withdrawal=body,
    )


@router.get("/event-types", responses=PROBLEMS)
async def list_event_types(user: CurrentUser, session: SessionDep) -> list[EventTypePublic]:
    """The life events the caller can file, each with its input JSON Schema."""
    return await service.event_types(session=session)
