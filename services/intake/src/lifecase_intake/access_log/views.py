"""The access log over HTTP, for admins and auditors: search it, export it as CSV."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from lifecase_contracts.api import AccessRecordPublic, Problem
from lifecase_intake.access_log import store
from lifecase_intake.access_log.store import AccessFilter
from lifecase_platform.access_log import ACTIONS
from lifecase_platform.auth import CurrentUser
from lifecase_platform.deps import SessionDep, SessionsDep
from lifecase_platform.ratelimit import limited

router = APIRouter(
    prefix="/api/v1/access-log",
    tags=["access log"],
    dependencies=[Depends(limited("search"))],
)
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 422, 429)
}
ACTION_PATTERN = "^(?:" + "|".join(re.escape(a) for a in ACTIONS) + ")$"
Action = Annotated[str | None, Query(max_length=50, pattern=ACTION_PATTERN)]


def _utc(moment: datetime | None) -> datetime | None:
    """The moment in UTC, the zone the log is kept in (a time without a zone is taken as
    UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def access_filter(
    case_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    action: Action = None,
    since: Annotated[datetime | None, Query()] = None,
    until: Annotated[datetime | None, Query()] = None,
    personal_data_only: bool = False,
) -> AccessFilter:
    return AccessFilter(
        case_id=case_id,
        actor=actor,
        action=action,
        since=_utc(since),
        until=_utc(until),
        personal_data_only=personal_data_only,
    )


Filters = Annotated[AccessFilter, Depends(access_filter)]


@router.get("", responses=PROBLEMS)
async def search_access_log(
    user: CurrentUser,
    filters: Filters,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[AccessRecordPublic]:
    """Who read personal data or changed something, newest first (admins and auditors).
    Filter by case, by acting user, by action and by time."""
    store.require_reader(user)
    return await store.search(
        session=session, user=user, filters=filters, limit=limit, offset=offset
    )


@router.get(
    "/export",
    responses={**PROBLEMS, 200: {"content": {"text/csv": {}}, "description": "CSV"}},
    response_class=StreamingResponse,
)
async def export_access_log(
    user: CurrentUser, filters: Filters, sessions: SessionsDep
) -> StreamingResponse:
    """Every matching record as CSV, oldest first (admins and auditors)."""
    store.require_reader(user)
    lines = store.export_csv(sessions=sessions, user=user, filters=filters)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="access-log.csv"'},
    )
