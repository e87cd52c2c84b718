"""A sub-case's status as the reporter sees it, in one place: which statuses are open and
which closed, the steps between them, and ``move``, the one function that takes a step. Every
event that changes a status goes through it (lifecycle's, routing's and the conversation's
rejection alike), so a late or repeated event never moves a sub-case back, and every step
is on the case's timeline once."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, Update, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Envelope, Localized
from lifecase_contracts.statuses import SubcaseStatus
from lifecase_intake.models import Case, Subcase, TimelineEvent
from lifecase_platform.db import insert_new, insert_new_at_commit, transaction_memo

# None: the sub-case is new to us.
OPEN: frozenset[SubcaseStatus | None] = frozenset({None, "scheduled", "open", "routed"})
CLOSED: frozenset[SubcaseStatus] = frozenset({"resolved", "rejected", "cancelled"})
# new status -> the statuses it may replace
TRANSITIONS: dict[SubcaseStatus, frozenset[SubcaseStatus | None]] = {
    "scheduled": frozenset({None, "scheduled", "cancelled"}),
    "open": frozenset({None, "scheduled", "open", "cancelled"}),
    "routed": OPEN,
    "resolved": OPEN,
    "rejected": OPEN,
    "cancelled": OPEN,
}
# new status -> the kind of the timeline line that tells the reporter
KINDS: dict[SubcaseStatus, str] = {
    "scheduled": "subcase_scheduled",
    "open": "subcase_opened",
    "routed": "subcase_routed",
    "resolved": "subcase_resolved",
    "rejected": "subcase_rejected",
    "cancelled": "subcase_cancelled",
}


class SubcaseEvent(Protocol):
    @property
    def case_id(self) -> str: ...
    @property
    def subcase_id(self) -> str: ...
    @property
    def activity(self) -> str: ...
    @property
    def title(self) -> Localized: ...


async def move(
    session: AsyncSession,
    envelope: Envelope[Any],
    status: SubcaseStatus,
    changes: dict[str, Any],
    text: Localized,
    *,
    due_date_if_unset: date | None = None,
) -> bool:
    """Create the event's sub-case if it is new and move it to ``status`` with ``changes`` if
    that is a step forward, and then tell the reporter with ``text`` on the timeline; False
    when the event changes nothing (or belongs to no case of ours): nothing is written."""
    e: SubcaseEvent = envelope.data
    if not await _step(session, e, status, changes, due_date_if_unset):
        return False
    await note(session, envelope, e.case_id, KINDS[status], text)
    return True


async def _step(
    session: AsyncSession,
    e: SubcaseEvent,
    status: SubcaseStatus,
    changes: dict[str, Any],
    due_date_if_unset: date | None,
) -> bool:
    """``move``'s write of the sub-case.

    This runs for every event of every sub-case, so it is lean: a case's status is read once
    per transaction (a batch carries several events of a case), and the sub-case is written
    with one conditional statement: an ``INSERT ... ON CONFLICT DO NOTHING`` for a sub-case
    that is new, or an ``UPDATE`` whose ``WHERE`` only lets the allowed transitions through.
    """
    cases = transaction_memo(session, "intake.cases")
    if e.case_id not in cases:
        cases[e.case_id] = await session.scalar(select(Case.status).where(Case.id == e.case_id))
    if cases[e.case_id] is None:
        return False
    now = datetime.now(UTC)

    async def moved() -> bool:
        statement = _update_statement(status, tuple(changes), due_date_if_unset is not None)
        params = {f"p_{key}": value for key, value in changes.items()}
        result = await session.execute(
            statement, {**params, "p_id": e.subcase_id, "p_due": due_date_if_unset, "p_now": now}
        )
        return bool(getattr(result, "rowcount", 0))

    # A sub-case is usually new when it is scheduled or opened, known when anything else
    # happens to it: try the likely statement first.
    if status in ("scheduled", "open"):
        done = await _insert_subcase(session, e, status, changes, due_date_if_unset, now)
        done = done or await moved()
    else:
        # Between the two, another replica may have added the sub-case (its insert
        # conflicts): then it exists, and the update is tried once more.
        done = (
            await moved()
            or await _insert_subcase(session, e, status, changes, due_date_if_unset, now)
            or await moved()
        )
    if not done:
        return False
    if cases[e.case_id] == "submitted":
        await session.execute(
            update(Case)
            .where(Case.id == e.case_id, Case.status == "submitted")
            .values(status="in_progress")
            .execution_options(synchronize_session=False)
        )
        cases[e.case_id] = "in_progress"
    return True


@functools.lru_cache(maxsize=64)
def _update_statement(
    status: SubcaseStatus, keys: tuple[str, ...], due_date_if_unset: bool
) -> Update:
    """``UPDATE subcases SET <keys>, status, updated_at WHERE id = ? AND status IN (those
    it may replace)``, built once per kind of change: the values travel as parameters."""
    table = cast(Table, Subcase.__table__)
    values: dict[str, Any] = {key: bindparam(f"p_{key}", type_=table.c[key].type) for key in keys}
    if due_date_if_unset:
        values["due_date"] = func.coalesce(
            table.c.due_date, bindparam("p_due", type_=table.c.due_date.type)
        )
    allowed = sorted(s for s in TRANSITIONS[status] if s is not None)
    return (
        update(table)
        .where(table.c.id == bindparam("p_id"), table.c.status.in_(allowed))
        .values(
            {
                **values,
                "status": status,
                "updated_at": bindparam("p_now", type_=table.c.updated_at.type),
            }
        )
    )


async def _insert_subcase(
    session: AsyncSession,
    e: SubcaseEvent,
    status: SubcaseStatus,
    changes: dict[str, Any],
    due_date: date | None,
    now: datetime,
) -> bool:
    """Add the sub-case unless it exists; its position is its case's count so far."""
    positions = transaction_memo(session, "intake.positions")
    if e.case_id not in positions:
        positions[e.case_id] = await session.scalar(
            select(func.count()).select_from(Subcase).where(Subcase.case_id == e.case_id)
        )
    new: dict[str, Any] = {
        "id": e.subcase_id,
        "case_id": e.case_id,
        "position": positions[e.case_id] or 0,
        "activity": e.activity,
        "title_da": e.title.da,
        "title_en": e.title.en,
        "queue": None,
        "unit": None,
        "due_date": due_date,
        "opens_on": None,
        "waits_for": [],
        "reason": None,
    }
    inserted = await insert_new(
        session, Subcase, {**new, **changes, "status": status, "updated_at": now}
    )
    if inserted:
        positions[e.case_id] = (positions[e.case_id] or 0) + 1
    return inserted


async def note(
    session: AsyncSession,
    envelope: Envelope[Any],
    case_id: str,
    kind: str,
    text: Localized,
    at: datetime | None = None,
) -> None:
    """Add a timeline line for this event, once (written with the batch's other lines
    when the transaction commits)."""
    insert_new_at_commit(
        session,
        TimelineEvent,
        {
            "id": envelope.id,
            "case_id": case_id,
            "at": at or envelope.time,
            "kind": kind,
            "text_da": text.da,
            "text_en": text.en,
        },
    )
