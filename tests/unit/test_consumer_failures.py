"""How a consumer ends a message whose handler or effect failed: a domain error that no retry
can mend (a conflict with the current state) dead-letters the event at its first delivery; a
failure that may pass (an engine that is down) is redelivered later."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import DEAD_LETTER_PREFIX, CaseWithdrawn, Envelope, Localized
from lifecase_platform.db import SessionFactory, create_engine, session_factory
from lifecase_platform.errors import Conflict, Unavailable
from lifecase_platform.messaging import BatchConsumer, Effect, Inbox


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


@pytest.fixture
async def sessions() -> AsyncIterator[SessionFactory]:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    yield session_factory(engine)
    await engine.dispose()


FAILURES = [
    (Conflict(Localized(da="Køen findes ikke.", en="The queue is gone.")), "term", True),
    (Unavailable(Localized(da="Nede.", en="Down.")), "nak", False),
    (ConnectionError("engine down"), "nak", False),
]


@pytest.mark.parametrize(("error", "outcome", "dead_lettered"), FAILURES)
@pytest.mark.parametrize("where", ["handler", "effect"])
async def test_a_permanent_error_is_dead_lettered_at_once_and_others_are_retried(
    sessions: SessionFactory, where: str, error: Exception, outcome: str, dead_lettered: bool
) -> None:
    async def handler(session: AsyncSession, envelope: Envelope[CaseWithdrawn]) -> Effect:
        if where == "handler":
            raise error

        async def effect() -> None:
            raise error

        return effect

    js = FakeJetStream()
    consumer = BatchConsumer(
        js=js,  # type: ignore[arg-type]
        durable="test",
        inbox=Inbox(sessions=sessions, consumer="test"),
        handlers={CaseWithdrawn: handler},
        max_deliver=5,
    )
    msg = withdrawn()
    await consumer.handle([msg])  # type: ignore[list-item]

    assert msg.outcome == outcome
    assert js.published == ([f"{DEAD_LETTER_PREFIX}.test"] if dead_lettered else [])
