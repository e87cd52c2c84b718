"""The reporter's in-app notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from lifecase_contracts.api import NotificationPublic, Problem
from lifecase_notifications import service
from lifecase_platform.auth import CurrentUser
from lifecase_platform.deps import SessionDep
from lifecase_platform.problems import language

router = APIRouter(prefix="/api/v1", tags=["notifications"])


@router.get(
    "/notifications",
    responses={401: {"model": Problem, "content": {"application/problem+json": {}}}},
)
async def list_notifications(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationPublic]:
    """The caller's notifications, newest first, in Danish or English (Accept-Language)."""
    return await service.inbox(
        session=session, recipient=user.username, language=language(request), limit=limit
    )
