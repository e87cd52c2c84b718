"""A warning, never a refusal, when a reporter files a life event for an employee who already
has an open case of the same event: two hirings of one person are usually a mistake, but
not always. The employee is recognised by the case's CPR field, compared here on the server;
the number itself is never echoed back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_intake.models import Case

OPEN = ("submitted", "in_progress")


def cpr_fields(input_schema: dict[str, Any]) -> list[str]:
    """The fields of an event type's form that hold a CPR number."""
    properties: dict[str, Any] = input_schema.get("properties", {})
    return [k for k, p in properties.items() if p.get("format") == "dk-cpr"]


def _normalised(value: Any) -> str | None:
    return value.replace("-", "").strip() if isinstance(value, str) and value.strip() else None


async def duplicate_warnings(
    *,
    session: AsyncSession,
    reporter: str,
    event_type: str,
    input_schema: dict[str, Any],
    data: dict[str, Any],
    exclude_case: str | None = None,
) -> list[Localized]:
    """One warning per open case of ``reporter`` for the same event type and employee."""
    keys = [(k, _normalised(data.get(k))) for k in cpr_fields(input_schema)]
    wanted = [(k, v) for k, v in keys if v is not None]
    if not wanted:
        return []
    rows = await session.execute(
        select(Case.id, Case.case_number, Case.data)
        .where(Case.reporter == reporter, Case.event_type == event_type, Case.status.in_(OPEN))
        .order_by(Case.created_at)
    )
    return [
        _warning(number or case_id)
        for case_id, number, other in rows
        if case_id != exclude_case and any(_normalised(other.get(k)) == v for k, v in wanted)
    ]


def _warning(number: str) -> Localized:
    return Localized(
        da=f"Medarbejderen har allerede en åben sag om samme hændelse: {number}.",
        en=f"This employee already has an open case of the same life event: {number}.",
    )
