"""A warning, never a refusal, when a reporter files a life event for an employee who already
has an open case of the same event: two hirings of one person are usually a mistake, but
not always. The employee is recognised by the case's CPR field, compared here on the server;
the number itself is never echoed back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
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
    # Compared in the database: reading every open case's data into Python to compare there
    # made each filing cost more the more open cases its reporter had (a wave of hundreds).
    same_employee = [
        func.trim(func.replace(Case.data[k].as_string(), "-", "")) == v for k, v in wanted
    ]
    query = (
        select(Case.id, Case.case_number)
        .where(
            Case.reporter == reporter,
            Case.event_type == event_type,
            Case.status.in_(OPEN),
            or_(*same_employee),
        )
        .order_by(Case.created_at)
    )
    if exclude_case is not None:
        query = query.where(Case.id != exclude_case)
    return [_warning(number or case_id) for case_id, number in await session.execute(query)]


def _warning(number: str) -> Localized:
    return Localized(
        da=f"Medarbejderen har allerede en åben sag om samme hændelse: {number}.",
        en=f"This employee already has an open case of the same life event: {number}.",
    )
