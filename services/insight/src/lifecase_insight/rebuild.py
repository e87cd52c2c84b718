"""Rebuild the projection: empty its tables and replay the event stream from its start into
them with the live handlers (``lifecase insight rebuild``). A new dashboard, or a fixed
handler, thus sees every event the stream still holds (its retention, ADR 0030).

The replay records what it handled under the live consumer's name, so the live consumer,
should it run meanwhile, skips those events and the replay skips the ones it handled."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import delete

from lifecase_contracts.events import STREAM_NAME, Envelope, EventData, decode
from lifecase_insight.models import PROJECTION, processed_events
from lifecase_insight.projection import NAME, prepare, registry
from lifecase_platform.db import SessionFactory
from lifecase_platform.messaging import SessionHandler

log = logging.getLogger(__name__)
BATCH = 500
# Called with (events replayed, events to replay) after each batch.
Progress = Callable[[int, int], None]


async def empty(sessions: SessionFactory) -> None:
    """Delete the projection's rows and its processed-event records (not the overrides)."""
    async with sessions() as session, session.begin():
        for table in PROJECTION:
            await session.execute(delete(table))
        await session.execute(delete(processed_events).where(processed_events.c.consumer == NAME))


async def rebuild(
    sessions: SessionFactory, js: JetStreamContext, *, progress: Progress | None = None
) -> int:
    """Empty the projection, then replay every stored event it reads, in stream order, in
    batches of ``BATCH`` (one transaction each). Returns the number of events replayed."""
    handlers = registry()
    await empty(sessions)
    name = f"insight-rebuild-{uuid.uuid4().hex[:12]}"
    info = await js.add_consumer(
        STREAM_NAME,
        ConsumerConfig(
            name=name,
            filter_subjects=sorted(t.TYPE for t in handlers),
            ack_policy=AckPolicy.NONE,
            deliver_policy=DeliverPolicy.ALL,
            inactive_threshold=300.0,
        ),
    )
    total, done = int(info.num_pending or 0), 0
    try:
        subscription = await js.pull_subscribe_bind(durable=name, stream=STREAM_NAME)
        while done < total:
            try:
                messages = await subscription.fetch(min(BATCH, total - done), timeout=5)
            except (NatsTimeoutError, TimeoutError):
                break  # the stream holds no more (events aged out meanwhile)
            await apply_events(sessions, handlers, [decode(m.data) for m in messages])
            done += len(messages)
            if progress is not None:
                progress(done, total)
            if messages and (messages[-1].metadata.num_pending or 0) == 0:
                break
    finally:
        await js.delete_consumer(STREAM_NAME, name)
    log.info("insight projection rebuilt", extra={"events": done})
    return done


async def apply_events(
    sessions: SessionFactory,
    handlers: Mapping[type[EventData], SessionHandler],
    envelopes: list[Envelope[Any]],
) -> None:
    """Apply ``envelopes`` to the projection through its own handlers, in one transaction,
    skipping those already applied (the replay and the demo history both feed it so)."""
    async with sessions() as session, session.begin():
        seen = set(
            await session.scalars(
                processed_events.select()
                .with_only_columns(processed_events.c.event_id)
                .where(
                    processed_events.c.consumer == NAME,
                    processed_events.c.event_id.in_([e.id for e in envelopes]),
                )
            )
        )
        fresh: list[str] = []
        await prepare(session, [e for e in envelopes if e.id not in seen])
        for envelope in envelopes:
            if envelope.id in seen:
                continue
            seen.add(envelope.id)
            await handlers[type(envelope.data)](session, envelope)
            fresh.append(envelope.id)
        if fresh:
            now = datetime.now(UTC)
            await session.execute(
                processed_events.insert(),
                [{"consumer": NAME, "event_id": i, "processed_at": now} for i in fresh],
            )
