"""A consumer with lanes handles one case's events in stream order and different cases' at
the same time: a slow call for one case does not hold up the others."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from lifecase_contracts.events import CaseWithdrawn, Envelope, EventData
from lifecase_platform.messaging import Consumer


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


async def test_one_case_waits_in_order_while_another_case_goes_ahead() -> None:
    handled: list[tuple[str, str]] = []
    case_b_done = asyncio.Event()

    async def handler(envelope: Envelope[CaseWithdrawn]) -> None:
        e = envelope.data
        if (e.case_id, e.reason) == ("a", "first"):
            # Case a's first event waits for case b: only possible if b is not behind it.
            await asyncio.wait_for(case_b_done.wait(), timeout=5)
        handled.append((e.case_id, e.reason))
        if e.case_id == "b":
            case_b_done.set()

    consumer = Consumer(
        js=None,  # type: ignore[arg-type]
        durable="test",
        handlers={CaseWithdrawn: handler},
        lane=case_of,
    )
    messages = [withdrawn("a", "first", 1), withdrawn("a", "second", 2), withdrawn("b", "x", 3)]
    await asyncio.wait_for(consumer.handle(messages), timeout=10)  # type: ignore[arg-type]

    assert handled == [("b", "x"), ("a", "first"), ("a", "second")]
    assert all(msg.acked for msg in messages)


async def test_without_lanes_a_batch_is_handled_in_stream_order() -> None:
    handled: list[str] = []

    async def handler(envelope: Envelope[CaseWithdrawn]) -> None:
        await asyncio.sleep(0)  # a handler that yields must still keep the order
        handled.append(envelope.data.reason)

    consumer = Consumer(
        js=None,  # type: ignore[arg-type]
        durable="test",
        handlers={CaseWithdrawn: handler},
    )
    cases = [("a", "1"), ("b", "2"), ("a", "3"), ("c", "4")]
    messages = [withdrawn(case, reason, i) for i, (case, reason) in enumerate(cases)]
    await consumer.handle(messages)  # type: ignore[arg-type]

    assert handled == ["1", "2", "3", "4"]
    assert all(msg.acked for msg in messages)
