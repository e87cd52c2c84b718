"""Admin API for templates (read-only in this version: the catalogue is published at seed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from lifecase_lifecycle.service import published_templates
from lifecase_platform.auth import CurrentUser
from lifecase_platform.problems import Forbidden

router = APIRouter(prefix="/api/v1/templates", tags=["templates"])


@router.get("")
async def list_templates(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
    """Published template versions (admins only)."""
    if not user.is_admin:
        raise Forbidden()
    async with request.app.state.sessions() as session:
        rows = await published_templates(session=session)
    return [
        {
            "key": r.key,
            "version": r.version,
            "status": r.status,
            "published_at": r.published_at,
            "definition": r.definition,
        }
        for r in rows
    ]
