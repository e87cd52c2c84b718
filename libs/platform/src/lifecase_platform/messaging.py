"""JetStream plumbing: the stream, a publisher with de-duplication ids, and durable pull
consumers that ack after the effect commits, back off on failures and dead-letter poison."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import KW_ONLY, dataclass, field
from datetime import UTC, datetime
from typing import Any

import nats
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pydantic import ValidationError
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    DEAD_LETTER_PREFIX,
    STREAM_NAME,
    STREAM_SUBJECTS,
    Envelope,
    EventData,
    UnknownEventType,
    decode,
)
from lifecase_platform.db import SessionFactory
from lifecase_platform.errors import is_permanent
from lifecase_platform.metrics import CONSUMER_LAG, DEAD_LETTERS, EVENTS_HANDLED, Reading
from lifecase_platform.tasks import stopping
from lifecase_platform.telemetry import context_from_headers, current_trace_headers, tracer

log = logging.getLogger(__name__)
_tracer = tracer("lifecase.messaging")

# What a handler does beyond the database (start a workflow, send it a signal): run once
# the batch's transaction has committed, and retried by redelivery if it fails.
Effect = Callable[[], Awaitable[None]]
# A handler of a consumer: it writes through the batch's session, and may return an effect.
SessionHandler = Callable[[AsyncSession, Envelope[Any]], Awaitable[Effect | None]]

DUPLICATE_WINDOW_SECONDS = 2 * 60 * 60


class PermanentError(Exception):
    """A message that can never be processed: dead-letter it instead of redelivering."""


async def connect(url: str, *, name: str, **options: Any) -> NATS:
    """Connect, retrying until NATS answers: a service may start before its broker does.
    ``options`` carry TLS and credentials (``lifecase_platform.transport.nats_options``)."""

    async def on_error(error: Exception) -> None:
        log.warning("nats connection problem", extra={"client": name, "error": repr(error)})

    async def on_disconnected() -> None:
        log.warning("nats disconnected", extra={"client": name})

    async def on_reconnected() -> None:
        log.info("nats reconnected", extra={"client": name})

    return await nats.connect(
        # Several servers (a cluster) are given as one comma-separated list.
        servers=[server.strip() for server in url.split(",") if server.strip()],
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
        **options,
    )


async def close(nc: NATS) -> None:
    """Flush, then close: acks and publishes still in the client's buffer reach the server
    before the connection goes (``close`` alone drops them). Not ``drain``: it waits on every
    subscription, and a stopping service's consumers are gone already, so it only ran into
    the stop timeout. A connection that is down is just closed."""
    if nc.is_connected:
        with contextlib.suppress(Exception):  # closing anyway; the server may be gone
            await nc.flush(timeout=2)
    await nc.close()


async def ensure_stream(js: JetStreamContext, *, max_age_seconds: float, replicas: int = 1) -> None:
    """Create the one event stream, or bring its retention to ``max_age_seconds`` (events
    carry personal data that units need, so the stream must not keep them forever) and its
    copies to ``replicas`` (on a JetStream cluster)."""
    config = StreamConfig(
        name=STREAM_NAME,
        subjects=STREAM_SUBJECTS,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        max_age=max_age_seconds,
        num_replicas=replicas,
    )
    try:
        info = await js.stream_info(STREAM_NAME)
    except NotFoundError:
        await js.add_stream(config)
        return
    if info.config.max_age != max_age_seconds or (info.config.num_replicas or 1) != replicas:
        await js.update_stream(info.config.evolve(max_age=max_age_seconds, num_replicas=replicas))


class Publisher:
    """Publishes events to JetStream; the message id makes a repeated publish a no-op."""

    def __init__(self, js: JetStreamContext, source: str) -> None:
        self.js = js
        self.source = source

    async def publish(self, data: EventData, *, id: str, subject: str | None = None) -> bool:
        """Publish one event now; True if the stream stored it, False if it was a duplicate."""
        envelope = Envelope.wrap(data, source=self.source, id=id, subject=subject)
        return await self.publish_raw(
            envelope.type, envelope.to_json(), msg_id=envelope.id, headers=current_trace_headers()
        )

    async def publish_raw(
        self, subject: str, payload: bytes, *, msg_id: str, headers: Mapping[str, str] | None = None
    ) -> bool:
        with _tracer.start_as_current_span(
            f"{subject} publish",
            context=context_from_headers(headers),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": subject,
                "messaging.message.id": msg_id,
            },
        ):
            ack = await self.js.publish(
                subject,
                payload,
                headers={**current_trace_headers(), "Nats-Msg-Id": msg_id},
                timeout=10,
            )
        return not ack.duplicate


@dataclass
class _PullConsumer:
    """A durable pull consumer: fetches batches, hands them to ``handle``, acks what was
    handled, backs off on failures and dead-letters poison.

    ``linger``: seconds to wait after a batch that was not full before fetching again. A
    consumer whose readers can wait that long (a dashboard, a webhook subscriber, an inbox)
    then handles events in fewer, larger batches (less work per event), and does not compete
    for the CPU with the services on a case's path at the moment an event is published."""

    js: JetStreamContext
    _: KW_ONLY
    durable: str
    ack_wait: float = 30.0
    max_deliver: int = 5
    batch: int = 50
    linger: float = 0.0
    _metric_labels: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False)

    @property
    def subjects(self) -> list[str]:
        raise NotImplementedError

    async def handle(self, messages: list[Msg]) -> None:
        raise NotImplementedError

    async def setup(self) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=self.durable,
            filter_subjects=self.subjects,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=1000,
        )
        await self.js.add_consumer(STREAM_NAME, config)
        return await self.js.pull_subscribe_bind(durable=self.durable, stream=STREAM_NAME)

    async def run(self) -> None:
        subscription = await self.setup()
        unwatch = CONSUMER_LAG.watch(self.durable, self._lag)
        try:
            while True:
                # Python 3.11's wait_for (inside fetch) can swallow a cancellation that races
                # with its result; the task still counts it, so check on every round.
                if stopping():
                    raise asyncio.CancelledError
                try:
                    messages = await subscription.fetch(self.batch, timeout=1)
                except (NatsTimeoutError, TimeoutError):
                    continue  # nothing arrived within the poll interval
                await self.handle(messages)
                if self.linger and len(messages) < self.batch:
                    await asyncio.sleep(self.linger)
        finally:
            unwatch()

    async def _lag(self) -> Reading:
        """Events of this consumer's subjects it has not been delivered yet (for metrics)."""
        info = await self.js.consumer_info(STREAM_NAME, self.durable)
        return [({"consumer": self.durable}, float(info.num_pending or 0))]

    def _labels(self, subject: str) -> dict[str, str]:
        """The metric labels of an event type, made once per consumer and type."""
        found = self._metric_labels.get(subject)
        if found is None:
            found = self._metric_labels[subject] = {"service": self.durable, "event_type": subject}
        return found

    def _span(self, msg: Msg) -> AbstractContextManager[Span]:
        return _tracer.start_as_current_span(
            f"{msg.subject} process",
            context=context_from_headers(msg.headers or {}),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": msg.subject,
                "messaging.consumer.group.name": self.durable,
            },
        )

    async def failed(self, msg: Msg, error: Exception, span: Span) -> None:
        """The handler failed: dead-letter what can never succeed, else redeliver later."""
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        if permanent(error):
            await self.dead_letter(msg, reason=type(error).__name__)
            return
        span.record_exception(error)
        delivered = msg.metadata.num_delivered or 1
        if delivered >= self.max_deliver:
            await self.dead_letter(msg, reason=f"exhausted: {type(error).__name__}")
            return
        log.warning(
            "handler failed; retrying",
            extra={
                "consumer": self.durable,
                "subject": msg.subject,
                "delivered": delivered,
                "error": type(error).__name__,
            },
        )
        await msg.nak(delay=min(0.5 * 2**delivered, 30.0))

    async def acknowledge(self, msg: Msg) -> None:
        """The effect is committed: the stream may forget the message."""
        await msg.ack()

    def handled(self, messages: list[Msg]) -> None:
        """Which process handled which events: replicas sharing a consumer can be told apart
        (the subjects and stream positions only; the events' data is never logged). One line
        per committed batch: a line per event cost a tenth of a consumer's time."""
        for msg in messages:
            EVENTS_HANDLED.add(1, self._labels(msg.subject))
        log.info(
            "events handled",
            extra={
                "consumer": self.durable,
                "count": len(messages),
                "subjects": sorted({msg.subject for msg in messages}),
                "stream_sequences": [msg.metadata.sequence.stream for msg in messages],
            },
        )

    async def dead_letter(self, msg: Msg, *, reason: str) -> None:
        """Park a message on the dead-letter subject and stop its redelivery."""
        subject = f"{DEAD_LETTER_PREFIX}.{self.durable}"
        meta = msg.metadata
        await self.js.publish(
            subject,
            msg.data,
            headers={
                "Lifecase-Original-Subject": msg.subject,
                "Lifecase-Reason": reason,
                "Nats-Msg-Id": f"dlq:{self.durable}:{meta.sequence.stream}",
            },
        )
        log.error(
            "event dead-lettered",
            extra={
                "consumer": self.durable,
                "subject": msg.subject,
                "reason": reason,
                "stream_sequence": meta.sequence.stream,
            },
        )
        await msg.term()
        DEAD_LETTERS.add(1, self._labels(msg.subject))


# Failures no redelivery can mend: the message is dead-lettered at once.
PERMANENT = (PermanentError, UnknownEventType, ValidationError, ValueError)


def permanent(error: BaseException) -> bool:
    """Whether no redelivery can mend ``error``: an event that cannot be read, or a domain
    error that says so (``errors.DomainError.permanent``, e.g. a conflict with the current
    state); anything else (a database or engine that is down) is redelivered later."""
    return isinstance(error, PERMANENT) or is_permanent(error)


@dataclass(frozen=True)
class Inbox:
    """Where a batch consumer writes: its database, and (unless every handler is idempotent
    on a natural key) its processed-event records, under the consumer's name."""

    sessions: SessionFactory
    consumer: str
    processed: Table | None = None


@dataclass(kw_only=True)
class BatchConsumer(_PullConsumer):
    """Handles a fetched batch in ONE database transaction: every handler writes through the
    batch's session, the processed-event records are inserted together, and the messages are
    acked after the commit. Should any event of the batch fail, the batch is rolled back and
    its events are handled one at a time, each in its own transaction, so that one poison
    event neither holds back nor spoils the others.

    What a handler does beyond the database it returns as an effect, run after the commit:
    ``lane`` names what an event belongs to (its case, say), and a lane's effects run in
    stream order while different lanes' run side by side, so one slow call to another
    system holds up only its own lane. An event is acked once its effect went through; one
    whose effect failed is redelivered (its handler must then be idempotent).

    ``prepare`` runs first in the batch's transaction with the events about to be handled:
    a projection reads there, in one statement, the rows its handlers will change (which
    they would otherwise read one by one)."""

    inbox: Inbox
    handlers: Mapping[type[EventData], SessionHandler]
    lane: Callable[[EventData], object] | None = None
    prepare: Callable[[AsyncSession, list[Envelope[Any]]], Awaitable[None]] | None = None

    @property
    def subjects(self) -> list[str]:
        return sorted(event_type.TYPE for event_type in self.handlers)

    async def handle(self, messages: list[Msg]) -> None:
        work: list[tuple[Msg, Envelope[Any], SessionHandler]] = []
        for msg in messages:
            try:
                envelope = decode(msg.data)
                handler = self.handlers.get(type(envelope.data))
                if handler is None:
                    raise PermanentError(f"no handler for {envelope.type}")
            except PERMANENT as error:
                with self._span(msg) as span:
                    await self.failed(msg, error, span)
                continue
            work.append((msg, envelope, handler))
        if not work:
            return
        if len(work) > 1:
            try:
                effects = await self._commit(work)
            except Exception:
                if stopping():
                    raise asyncio.CancelledError from None  # not acked: redelivered
                log.info(
                    "batch failed; handling its events one at a time",
                    extra={"consumer": self.durable, "count": len(work)},
                )
            else:
                await self._after_commit([(msg, envelope) for msg, envelope, _ in work], effects)
                return
        for item in work:
            await self._one(item)

    async def _one(self, item: tuple[Msg, Envelope[Any], SessionHandler]) -> None:
        msg, envelope, _ = item
        with self._span(msg) as span:
            try:
                effects = await self._commit([item], traced=False)
            except Exception as error:
                if stopping() and not permanent(error):
                    raise asyncio.CancelledError from error
                await self.failed(msg, error, span)
                return
        await self._after_commit([(msg, envelope)], effects)

    async def _after_commit(
        self, committed: list[tuple[Msg, Envelope[Any]]], effects: dict[str, Effect]
    ) -> None:
        """Run the committed events' effects (a lane's in order, lanes side by side) and ack
        each event whose effect went through."""
        lanes: dict[object, list[tuple[Msg, Envelope[Any]]]] = {}
        for msg, envelope in committed:
            lane = self.lane(envelope.data) if self.lane is not None else None
            lanes.setdefault(lane, []).append((msg, envelope))
        acked: list[Msg] = []

        async def in_order(items: list[tuple[Msg, Envelope[Any]]]) -> None:
            for msg, envelope in items:
                effect = effects.get(envelope.id)
                if effect is not None and not await self._effect(msg, effect):
                    continue
                await self.acknowledge(msg)
                acked.append(msg)

        if len(lanes) == 1:
            await in_order(*lanes.values())
        else:
            await asyncio.gather(*(in_order(items) for items in lanes.values()))
        if acked:
            self.handled(acked)

    async def _effect(self, msg: Msg, effect: Effect) -> bool:
        with self._span(msg) as span:
            try:
                await effect()
            except Exception as error:
                if stopping() and not permanent(error):
                    raise asyncio.CancelledError from error  # not acked: redelivered
                await self.failed(msg, error, span)
                return False
        return True

    async def _commit(
        self, work: list[tuple[Msg, Envelope[Any], SessionHandler]], *, traced: bool = True
    ) -> dict[str, Effect]:
        """Run the handlers of events not seen before, and record them, in one transaction;
        the effects they returned, by event id."""
        inbox, table = self.inbox, self.inbox.processed
        async with inbox.sessions() as session, session.begin():
            seen: set[str] = set()
            if table is not None:
                ids = [envelope.id for _, envelope, _ in work]
                seen = set(
                    await session.scalars(
                        select(table.c.event_id).where(
                            table.c.consumer == inbox.consumer, table.c.event_id.in_(ids)
                        )
                    )
                )
            fresh: list[str] = []
            effects: dict[str, Effect] = {}
            if self.prepare is not None:
                await self.prepare(session, [e for _, e, _ in work if e.id not in seen])
            for msg, envelope, handler in work:
                if envelope.id in seen:
                    continue  # handled before (or twice in this batch): redelivery is harmless
                seen.add(envelope.id)
                if traced:
                    with self._span(msg) as span:
                        span.set_attribute("messaging.message.id", envelope.id)
                        effect = await handler(session, envelope)
                else:
                    effect = await handler(session, envelope)
                if effect is not None:
                    effects[envelope.id] = effect
                fresh.append(envelope.id)
            if table is not None and fresh:
                now = datetime.now(UTC)
                await session.execute(
                    table.insert(),
                    [
                        {"consumer": inbox.consumer, "event_id": i, "processed_at": now}
                        for i in fresh
                    ],
                )
        return effects
