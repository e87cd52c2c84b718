"""Dead-lettered events, as an operator handles them: list them with why they were parked,
replay one (it goes to its original subject again, and every consumer that has not processed
it yet gets it; those that have skip it by its event id), or discard it.

A consumer parks an event on ``lifecase.deadletter.<consumer>`` when it can never process it
or its deliveries ran out (``messaging.BatchConsumer.dead_letter``). The parked copy lives in the
event stream, so it expires with the stream's retention like every other event. What this
module tells about an event is its type, id and case id, never its data."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from lifecase_contracts.events import DEAD_LETTER_PREFIX, STREAM_NAME

ORIGINAL_SUBJECT = "Lifecase-Original-Subject"
REASON = "Lifecase-Reason"


class NoSuchDeadLetter(LookupError):
    """No dead-lettered event has this stream sequence (any more)."""


@dataclass(frozen=True)
class DeadLetter:
    sequence: int  # its place in the event stream: what replay and discard take
    consumer: str
    subject: str  # where the event was published, i.e. its type
    reason: str
    event_id: str | None
    case_id: str | None
    dead_lettered_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "consumer": self.consumer,
            "subject": self.subject,
            "reason": self.reason,
            "event_id": self.event_id,
            "case_id": self.case_id,
            "dead_lettered_at": self.dead_lettered_at.isoformat(),
        }


async def list_dead_letters(
    js: JetStreamContext, *, after: int = 0, limit: int = 100
) -> list[DeadLetter]:
    """Up to ``limit`` dead letters with a stream sequence above ``after``, oldest first."""
    found: list[DeadLetter] = []
    sequence = after + 1
    while len(found) < limit:
        try:
            raw = await js.get_msg(
                STREAM_NAME, seq=sequence, subject=f"{DEAD_LETTER_PREFIX}.>", next=True
            )
        except NotFoundError:
            break
        found.append(_describe(raw))
        sequence = (raw.seq or sequence) + 1
    return found


async def get_dead_letter(js: JetStreamContext, sequence: int) -> tuple[DeadLetter, RawStreamMsg]:
    try:
        raw = await js.get_msg(STREAM_NAME, seq=sequence)
    except NotFoundError as error:
        raise NoSuchDeadLetter(sequence) from error
    if not raw.subject or not raw.subject.startswith(DEAD_LETTER_PREFIX + "."):
        raise NoSuchDeadLetter(sequence)
    return _describe(raw), raw


async def replay(js: JetStreamContext, sequence: int) -> DeadLetter:
    """Publish the parked event to its original subject again, then remove the parked copy.
    Replaying the same dead letter twice publishes it once (the message id says so)."""
    letter, raw = await get_dead_letter(js, sequence)
    await js.publish(
        letter.subject,
        raw.data or b"",
        stream=STREAM_NAME,
        headers={"Nats-Msg-Id": f"replay:{sequence}"},
    )
    await _delete(js, sequence)
    return letter


async def discard(js: JetStreamContext, sequence: int) -> DeadLetter:
    """Remove the parked event for good."""
    letter, _ = await get_dead_letter(js, sequence)
    await _delete(js, sequence)
    return letter


async def _delete(js: JetStreamContext, sequence: int) -> None:
    try:
        await js.delete_msg(STREAM_NAME, sequence)
    except NotFoundError as error:  # removed meanwhile by another operator
        raise NoSuchDeadLetter(sequence) from error


def _describe(raw: RawStreamMsg) -> DeadLetter:
    headers = raw.headers or {}
    subject = raw.subject or ""
    event_id = case_id = None
    try:
        envelope = json.loads(raw.data or b"")
    except ValueError:
        envelope = None  # parked because it was not an event at all
    if isinstance(envelope, dict):
        event_id = _text(envelope.get("id"))
        case_id = _text(envelope.get("subject"))
    return DeadLetter(
        sequence=raw.seq or 0,
        consumer=subject.removeprefix(DEAD_LETTER_PREFIX + "."),
        subject=headers.get(ORIGINAL_SUBJECT, ""),
        reason=headers.get(REASON, ""),
        event_id=event_id,
        case_id=case_id,
        dead_lettered_at=_moment(raw.time),
    )


def _text(value: object) -> str | None:
    return value[:100] if isinstance(value, str) else None


def _moment(value: object) -> datetime:
    """The stream's time stamp (RFC 3339 in UTC, with nanoseconds) as a datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        head, _, fraction = value.rstrip("Z").partition(".")
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(head + ("." + fraction[:6] if fraction else ""))
            return moment.replace(tzinfo=UTC)
    return datetime.now(UTC)
