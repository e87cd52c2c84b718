"""Every change of an intake sub-case's status goes through ``transitions.move``: it only steps
forward, writes one timeline line per step, and a late or repeated event changes nothing. The
conversation's rejection takes the same path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import lifecase_platform.db as db
from lifecase_contracts.events import (
    Envelope,
    Localized,
    SubcaseCancelled,
    SubcaseOpened,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
)
from lifecase_contracts.statuses import SubcaseStatus
from lifecase_intake.conversation.models import SubcaseRejection
from lifecase_intake.conversation.projection import ConversationProjection
from lifecase_intake.models import Base, Case, Subcase, TimelineEvent
from lifecase_intake.transitions import CLOSED, KINDS, OPEN, TRANSITIONS, move

TITLE = Localized(da="Lønoprettelse", en="Payroll setup")
SUB = {"case_id": "c1", "subcase_id": "s1", "activity": "payroll_setup", "title": TITLE}


def _opened() -> Envelope[SubcaseOpened]:
    event = SubcaseOpened(
        **SUB,
        subcase_type="task",
        unit_hint=None,
        fields={},
        due_date=date(2027, 1, 4),
        reporter="rita",
        department=None,
    )
    return Envelope.wrap(event, source="test")


def _routed() -> Envelope[SubcaseRouted]:
    event = SubcaseRouted(
        **SUB, queue="payroll", unit="payroll", rule="r", due_date=None, reporter="rita"
    )
    return Envelope.wrap(event, source="test")


def _resolved() -> Envelope[SubcaseResolved]:
    event = SubcaseResolved(**SUB, resolution="done", resolved_by="paula", reporter="rita")
    return Envelope.wrap(event, source="test")


def _rejected() -> Envelope[SubcaseRejected]:
    event = SubcaseRejected(**SUB, reason="Findes allerede", rejected_by="paula", reporter="rita")
    return Envelope.wrap(event, source="test")


def _cancelled() -> Envelope[SubcaseCancelled]:
    event = SubcaseCancelled(**SUB, reason="withdrawn", reporter="rita")
    return Envelope.wrap(event, source="test")


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[db.SessionFactory]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'intake.sqlite'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    factory = db.session_factory(engine)
    async with factory() as session, session.begin():
        session.add(
            Case(
                id="c1",
                reporter="rita",
                department=None,
                event_type="hiring",
                template_version=1,
                data={},
                status="submitted",
                created_at=datetime.now(UTC),
            )
        )
    yield factory
    await engine.dispose()


async def _move(
    sessions: db.SessionFactory, envelope: Envelope[Any], status: SubcaseStatus
) -> bool:
    async with sessions() as session, session.begin():
        return await move(session, envelope, status, {}, Localized(da=status, en=status))


async def _state(sessions: db.SessionFactory) -> tuple[str | None, str, list[str]]:
    async with sessions() as session:
        sub = await session.get(Subcase, "s1")
        case = await session.get(Case, "c1")
        lines = await session.scalars(select(TimelineEvent.kind).order_by(TimelineEvent.at))
        assert case is not None
        return (sub.status if sub else None), case.status, list(lines)


def test_open_and_closed_cover_every_status_and_closed_is_final() -> None:
    assert (OPEN - {None}) | CLOSED == set(TRANSITIONS) == set(KINDS)
    assert not OPEN & CLOSED
    for status in CLOSED:
        assert TRANSITIONS[status] == OPEN, status


async def test_each_step_forward_moves_the_subcase_and_writes_one_line(
    sessions: db.SessionFactory,
) -> None:
    assert await _move(sessions, _opened(), "open")
    assert await _state(sessions) == ("open", "in_progress", ["subcase_opened"])
    assert await _move(sessions, _routed(), "routed")
    assert await _move(sessions, _resolved(), "resolved")
    status, _, lines = await _state(sessions)
    assert (status, lines) == ("resolved", ["subcase_opened", "subcase_routed", "subcase_resolved"])


async def test_a_late_or_repeated_event_changes_nothing_and_writes_no_line(
    sessions: db.SessionFactory,
) -> None:
    opened = _opened()
    assert await _move(sessions, opened, "open")
    assert await _move(sessions, _resolved(), "resolved")
    assert not await _move(sessions, _routed(), "routed"), "routed after resolved"
    assert not await _move(sessions, _cancelled(), "cancelled"), "cancelled after resolved"
    assert not await _move(sessions, opened, "open"), "opened again"
    assert await _state(sessions) == (
        "resolved",
        "in_progress",
        ["subcase_opened", "subcase_resolved"],
    )


async def test_an_event_of_a_case_not_ours_writes_nothing(sessions: db.SessionFactory) -> None:
    event = SubcaseResolved(
        **{**SUB, "case_id": "elsewhere"}, resolution="done", resolved_by="p", reporter="r"
    )
    assert not await _move(sessions, Envelope.wrap(event, source="test"), "resolved")
    assert await _state(sessions) == (None, "submitted", [])


async def test_a_rejection_closes_the_subcase_through_move_once(
    sessions: db.SessionFactory,
) -> None:
    assert await _move(sessions, _routed(), "routed")
    rejected = _rejected()
    for _ in range(2):  # a redelivery adds nothing
        async with sessions() as session, session.begin():
            await ConversationProjection().subcase_rejected(session, rejected)
    assert await _state(sessions) == (
        "rejected",
        "in_progress",
        ["subcase_routed", "subcase_rejected"],
    )
    async with sessions() as session:
        line = await session.get(TimelineEvent, rejected.id)
        assert await session.get(SubcaseRejection, "s1") is not None
    assert line is not None
    assert line.text_da == "»Lønoprettelse« er afvist. Begrundelse: Findes allerede"


async def test_a_rejection_after_a_cancellation_changes_nothing(
    sessions: db.SessionFactory,
) -> None:
    assert await _move(sessions, _opened(), "open")
    assert await _move(sessions, _cancelled(), "cancelled")
    async with sessions() as session, session.begin():
        await ConversationProjection().subcase_rejected(session, _rejected())
    status, _, lines = await _state(sessions)
    assert (status, lines) == ("cancelled", ["subcase_opened", "subcase_cancelled"])
