"""A consumer with lanes commits a batch, then runs its events' effects (what leaves the
database: a workflow start, a signal) one case after another in stream order, and
different cases' side by side: a slow call for one case does not hold up the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import CaseWithdrawn, Envelope, EventData
from lifecase_platform.db import SessionFactory, create_engine, session_factory
from lifecase_platform.messaging import BatchConsumer, Effect, Inbox


@dataclass
class FakeMsg:
    """What the consumer reads of a NATS message, and whether it was acked."""

    data: bytes
    sequence: int
    subject: str = CaseWithdrawn.TYPE
    headers: dict[str, str] = field(default_factory=dict)
    acked: bool = False

    @property
    def metadata(self) -> Any:
        return SimpleNamespace(sequence=SimpleNamespace(stream=self.sequence), num_delivered=1)

    async def ack(self) -> None:
        self.acked = True


def withdrawn(case_id: str, reason: str, sequence: int) -> FakeMsg:
    data = CaseWithdrawn(
        case_id=case_id,
        event_type="hiring",
        reason=reason,
        reporter="rita",
        withdrawn_at=datetime.now(UTC),
    )
    return FakeMsg(Envelope.wrap(data, source="test").to_json(), sequence)


def case_of(data: EventData) -> object:
    return getattr(data, "case_id", None)


@pytest.fixture
async def sessions() -> AsyncIterator[SessionFactory]:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    yield session_factory(engine)
    await engine.dispose()


async def test_one_case_waits_in_order_while_another_case_goes_ahead(
    sessions: SessionFactory,
) -> None:
    handled: list[tuple[str, str]] = []
    case_b_done = asyncio.Event()

    async def handler(session: AsyncSession, envelope: Envelope[CaseWithdrawn]) -> Effect:
        e = envelope.data

        async def effect() -> None:
            if (e.case_id, e.reason) == ("a", "first"):
                # Case a's first effect waits for case b: only possible if b is not behind it.
                await asyncio.wait_for(case_b_done.wait(), timeout=5)
            handled.append((e.case_id, e.reason))
            if e.case_id == "b":
                case_b_done.set()

        return effect

    consumer = BatchConsumer(
        js=None,  # type: ignore[arg-type]
        durable="test",
        inbox=Inbox(sessions=sessions, consumer="test"),
        handlers={CaseWithdrawn: handler},
        lane=case_of,
    )
    messages = [withdrawn("a", "first", 1), withdrawn("a", "second", 2), withdrawn("b", "x", 3)]
    await asyncio.wait_for(consumer.handle(messages), timeout=10)  # type: ignore[arg-type]

    assert handled == [("b", "x"), ("a", "first"), ("a", "second")]
    assert all(msg.acked for msg in messages)


async def test_without_lanes_a_batch_is_handled_in_stream_order(
    sessions: SessionFactory,
) -> None:
    handled: list[str] = []

    async def handler(session: AsyncSession, envelope: Envelope[CaseWithdrawn]) -> Effect:
        async def effect() -> None:
            await asyncio.sleep(0)  # an effect that yields must still keep the order
            handled.append(envelope.data.reason)

        return effect

    consumer = BatchConsumer(
        js=None,  # type: ignore[arg-type]
        durable="test",
        inbox=Inbox(sessions=sessions, consumer="test"),
        handlers={CaseWithdrawn: handler},
    )
    cases = [("a", "1"), ("b", "2"), ("a", "3"), ("c", "4")]
    messages = [withdrawn(case, reason, i) for i, (case, reason) in enumerate(cases)]
    await consumer.handle(messages)  # type: ignore[arg-type]

    assert handled == ["1", "2", "3", "4"]
    assert all(msg.acked for msg in messages)
