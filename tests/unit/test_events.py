"""The event contract: envelopes round-trip, ids derive deterministically."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lifecase_contracts.events import (
    CaseCompleted,
    Envelope,
    UnknownEventType,
    decode,
    derived_id,
)


def test_an_envelope_round_trips_into_its_payload_model() -> None:
    data = CaseCompleted(
        case_id="c1",
        event_type="hiring",
        reporter="rita",
        completed_at=datetime(2026, 11, 21, tzinfo=UTC),
    )
    envelope = Envelope.wrap(data, source="lifecase/test", id="e1", subject="c1")
    decoded = decode(envelope.to_json())
    assert decoded.type == "lifecase.case.completed" == decoded.data.TYPE
    assert decoded.data == data
    assert decoded.specversion == "1.0"


def test_derived_ids_are_stable_and_distinct() -> None:
    assert derived_id("subcase", "c1", "a") == derived_id("subcase", "c1", "a")
    assert derived_id("subcase", "c1", "a") != derived_id("subcase", "c1", "b")


@pytest.mark.parametrize("raw", [b'{"type": "lifecase.unknown"}', b"[]"])
def test_unknown_events_are_refused(raw: bytes) -> None:
    with pytest.raises(UnknownEventType):
        decode(raw)
