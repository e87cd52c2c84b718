"""The operators' API: cases whose workflow is stuck (why, since when; try again) and events
that were dead-lettered (why; replay or discard). Administrators only. Nothing here shows a
case's data: ids, types and reasons only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status
from nats.js import JetStreamContext
from pydantic import BaseModel
from temporalio.service import RPCError, RPCStatusCode

from lifecase_contracts.api import Problem
from lifecase_contracts.events import Localized
from lifecase_lifecycle import service
from lifecase_lifecycle.deps import TemporalDep
from lifecase_lifecycle.models import CaseInput
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_lifecycle.workflows.types import RetrySignal, workflow_id
from lifecase_platform import access_log, deadletters
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.deps import JetStreamDep, OutboxDep, SessionDep, SessionsDep
from lifecase_platform.errors import Conflict, Forbidden, NotFound
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import count

router = APIRouter(prefix="/api/v1/operations", tags=["operations"])
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 422, 429)
}
Sequence = Annotated[
    int, Path(ge=1, le=2**63 - 1, description="The dead letter's place in the event stream.")
]
CaseId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


def require_operator(user: Principal) -> None:
    """Stuck cases and dead letters are the administrators' (the API and the admin pages)."""
    if not user.is_admin:
        raise Forbidden(
            Localized(
                da="Kun administratorer kan håndtere fastlåste sager og afviste hændelser.",
                en="Only administrators handle stuck cases and dead-lettered events.",
            )
        )


async def operator(request: Request, user: CurrentUser) -> Principal:
    """Administrators, counted against the administration rate limit."""
    require_operator(user)
    await count(request, "admin", user)
    return user


Operator = Annotated[Principal, Depends(operator)]


class StuckCase(BaseModel):
    case_id: str
    template_key: str
    template_version: int
    reason: str
    stuck_since: datetime | None


class DeadLetter(BaseModel):
    sequence: int
    consumer: str
    subject: str
    reason: str
    event_id: str | None
    case_id: str | None
    dead_lettered_at: datetime


class DeadLetterPage(BaseModel):
    items: list[DeadLetter]
    next_after: int | None  # pass as ``after`` for the next page; None: this was the last


@router.get("/stuck-cases", responses=PROBLEMS)
async def stuck_cases(_: Operator, session: SessionDep) -> list[StuckCase]:
    """Cases whose workflow cannot proceed and waits for an operator, longest stuck first."""
    cases = await service.stuck_cases(session=session)
    return [
        StuckCase(
            case_id=c.case_id,
            template_key=c.template_key,
            template_version=c.template_version,
            reason=c.stuck_reason or "",
            stuck_since=c.stuck_since,
        )
        for c in cases
    ]


@router.post(
    "/stuck-cases/{case_id}/retry", status_code=status.HTTP_202_ACCEPTED, responses=PROBLEMS
)
async def retry_stuck_case(
    case_id: CaseId,
    admin: Operator,
    sessions: SessionsDep,
    outbox: OutboxDep,
    temporal: TemporalDep,
) -> dict[str, str]:
    """Try the case's stuck steps again (after the cause was mended). 409 if it is not stuck."""
    async with sessions() as session, session.begin():  # committed before the signal goes out
        case = await session.get(CaseInput, case_id)
        if case is None:
            raise NotFound(Localized(da="sagen", en="case"))
        if case.stuck_reason is None:
            raise Conflict(Localized(da="Sagen er ikke fastlåst.", en="The case is not stuck."))
        await access_log.record(
            session,
            outbox,
            source=service.SOURCE,
            user=admin,
            action="case.retried",
            resource="case",
            resource_id=case_id,
            reason="administrator",
        )
    handle = temporal.get_workflow_handle(workflow_id(case_id))
    try:
        await handle.signal(CaseWorkflow.retry, RetrySignal())
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        raise Conflict(
            Localized(da="Sagens arbejdsgang kører ikke.", en="The case's workflow is not running.")
        ) from error
    return {"case_id": case_id, "status": "retrying"}


@router.get("/dead-letters", responses=PROBLEMS)
async def list_dead_letters(
    _: Operator,
    js: JetStreamDep,
    after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DeadLetterPage:
    """Dead-lettered events, oldest first: which consumer parked which event, and why."""
    found = await deadletters.list_dead_letters(js, after=after, limit=limit)
    return DeadLetterPage(
        items=[DeadLetter(**letter.as_dict()) for letter in found],
        next_after=found[-1].sequence if len(found) == limit else None,
    )


@router.post("/dead-letters/{sequence}/replay", responses=PROBLEMS)
async def replay_dead_letter(
    sequence: Sequence,
    admin: Operator,
    js: JetStreamDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> DeadLetter:
    """Publish the event to its subject again (consumers that processed it skip it)."""
    return await _act(js, sessions, outbox, admin, sequence, "replayed")


@router.delete("/dead-letters/{sequence}", responses=PROBLEMS)
async def discard_dead_letter(
    sequence: Sequence,
    admin: Operator,
    js: JetStreamDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> DeadLetter:
    """Remove the dead-lettered event for good."""
    return await _act(js, sessions, outbox, admin, sequence, "discarded")


async def _act(
    js: JetStreamContext,
    sessions: SessionFactory,
    outbox: Outbox,
    admin: Principal,
    sequence: int,
    action: str,
) -> DeadLetter:
    """Do it inside the access log's transaction: if the action fails, nothing is logged, and
    if the log line cannot be written, the action is not reported as done (an action that
    took effect before a failed commit is the one gap left)."""
    async with sessions() as session, session.begin():
        await access_log.record(
            session,
            outbox,
            source=service.SOURCE,
            user=admin,
            action=f"dead_letter.{action}",
            resource="dead_letter",
            resource_id=str(sequence),
            reason="administrator",
        )
        try:
            if action == "replayed":
                letter = await deadletters.replay(js, sequence)
            else:
                letter = await deadletters.discard(js, sequence)
        except deadletters.NoSuchDeadLetter as missing:
            raise NotFound(
                Localized(da="den afviste hændelse", en="dead-lettered event")
            ) from missing
    return DeadLetter(**letter.as_dict())
