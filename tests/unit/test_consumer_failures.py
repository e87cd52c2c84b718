"""How a consumer ends a message whose handler failed: a domain error that no retry can mend
(a conflict with the current state) dead-letters the event at its first delivery; a
failure that may pass (a database that is down) is redelivered later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from lifecase_contracts.events import DEAD_LETTER_PREFIX, CaseWithdrawn, Envelope, Localized
from lifecase_platform.errors import Conflict, Unavailable
from lifecase_platform.messaging import Consumer


@dataclass
class FakeMsg:
    data: bytes
    subject: str = CaseWithdrawn.TYPE
    headers: dict[str, str] = field(default_factory=dict)
    outcome: str | None = None
    delay: float | None = None

    @property
    def metadata(self) -> Any:
        return SimpleNamespace(sequence=SimpleNamespace(stream=7), num_delivered=1)

    async def ack(self) -> None:
        self.outcome = "ack"

    async def nak(self, delay: float | None = None) -> None:
        self.outcome, self.delay = "nak", delay

    async def term(self) -> None:
        self.outcome = "term"


@dataclass
class FakeJetStream:
    published: list[str] = field(default_factory=list)

    async def publish(self, subject: str, payload: bytes, headers: dict[str, str]) -> None:
        self.published.append(subject)


def withdrawn() -> FakeMsg:
    data = CaseWithdrawn(
        case_id="c1",
        event_type="hiring",
        reason="r",
        reporter="rita",
        withdrawn_at=datetime.now(UTC),
    )
    return FakeMsg(Envelope.wrap(data, source="test").to_json())


@pytest.mark.parametrize(
    ("error", "outcome", "dead_lettered"),
    [
        (Conflict(Localized(da="Køen findes ikke.", en="The queue is gone.")), "term", True),
        (Unavailable(Localized(da="Nede.", en="Down.")), "nak", False),
        (ConnectionError("database down"), "nak", False),
    ],
)
async def test_a_permanent_error_is_dead_lettered_at_once_and_others_are_retried(
    error: Exception, outcome: str, dead_lettered: bool
) -> None:
    async def handler(envelope: Envelope[CaseWithdrawn]) -> None:
        raise error

    js = FakeJetStream()
    consumer = Consumer(js=js, durable="test", handlers={CaseWithdrawn: handler}, max_deliver=5)  # type: ignore[arg-type]
    msg = withdrawn()
    await consumer.handle([msg])  # type: ignore[list-item]

    assert msg.outcome == outcome
    assert js.published == ([f"{DEAD_LETTER_PREFIX}.test"] if dead_lettered else [])
