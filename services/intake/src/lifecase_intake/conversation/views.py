"""The reporter writes on their case."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lifecase_contracts.api import Problem
from lifecase_contracts.workspace import CaseMessagePublic, ReporterMessageCreate
from lifecase_intake.conversation import service
from lifecase_platform.auth import CurrentUser
from lifecase_platform.deps import OutboxDep, TxSessionDep

router = APIRouter(prefix="/api/v1", tags=["cases"])
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 404, 409, 413, 422)
}


@router.post("/cases/{case_id}/messages", status_code=201, responses=PROBLEMS)
async def write(
    case_id: str,
    body: ReporterMessageCreate,
    response: Response,
    user: CurrentUser,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> CaseMessagePublic:
    """Answer one of the caseworkers' questions (``in_reply_to`` its id; the task waiting for
    it resumes), or write to one unit with a task on the case (``to_unit`` its key; this
    answers no question). A message naming neither, or both, is refused (422)."""
    message = await service.write(
        session=session,
        outbox=outbox,
        reporter=user,
        case_id=case_id,
        body=body,
    )
    response.headers["Location"] = f"/api/v1/cases/{case_id}"
    return message
