"""Transactional outbox: an event is written in the same transaction as the change it reports,
and a relay publishes it to JetStream afterwards, with the event id as ``Nats-Msg-Id``.

A crash between publish and mark-as-sent republishes the same id, which JetStream discards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    Row,
    String,
    Table,
    func,
    select,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Envelope, EventData
from lifecase_platform.db import SessionFactory, insert_at_commit
from lifecase_platform.messaging import Publisher
from lifecase_platform.metrics import OUTBOX_BACKLOG, Reading
from lifecase_platform.tasks import stopping
from lifecase_platform.telemetry import current_trace_headers

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", String(64), primary_key=True),
        Column("subject", String(200), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Index("ix_outbox_unpublished", "published_at", "created_at"),
    )


class Outbox:
    """Adds events to a service's outbox table and wakes the relay after commit."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._insert = table.insert()
        self._wake = asyncio.Event()

    async def add(self, session: AsyncSession, envelope: Envelope[EventData]) -> None:
        """Stage an event in the caller's transaction; nothing is sent unless it commits."""
        sa_event.listen(session.sync_session, "after_commit", self._after_commit, once=True)
        # Held until the commit and inserted with the transaction's other events in one round
        # trip (a batch of handled events stages many); a prebuilt statement, rows as values.
        insert_at_commit(
            session,
            self._insert,
            {
                "id": envelope.id,
                "subject": envelope.type,
                "payload": envelope.to_json(),
                "headers": current_trace_headers(),
                "created_at": datetime.now(UTC),
                "published_at": None,
            },
        )

    def _after_commit(self, _session: object) -> None:
        self._wake.set()

    async def relay(
        self, sessions: SessionFactory, publisher: Publisher, poll_seconds: float, batch: int = 200
    ) -> None:
        """Publish unsent events in creation order, forever."""
        service = publisher.source.rpartition("/")[2]
        unwatch = OUTBOX_BACKLOG.watch(service, lambda: self.backlog(sessions, service))
        try:
            while not stopping():  # see Consumer.run: a cancellation can be swallowed
                # Clear before reading: a commit landing while we publish wakes the next round.
                self._wake.clear()
                sent = await self.publish_pending(sessions, publisher, batch)
                if sent < batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)
        finally:
            unwatch()
        raise asyncio.CancelledError

    async def backlog(self, sessions: SessionFactory, service: str) -> Reading:
        """How many events wait to be published (for metrics; the index on ``published_at``
        makes it cheap)."""
        t = self.table
        async with sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(t).where(t.c.published_at.is_(None))
            )
        return [({"service": service}, float(count or 0))]

    async def publish_pending(
        self, sessions: SessionFactory, publisher: Publisher, batch: int = 200
    ) -> int:
        t = self.table
        unsent = (
            select(t.c.id, t.c.subject, t.c.payload, t.c.headers)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.created_at, t.c.id)
            .limit(batch)
        )
        async with sessions() as session:
            if session.bind.dialect.name == "postgresql":
                # Replicas share the table: each claims the rows it publishes (locked until
                # marked sent; the others skip them), so no two relays publish one event at
                # once, which JetStream answers with "duplicate message id is in process".
                async with session.begin():
                    rows = (await session.execute(unsent.with_for_update(skip_locked=True))).all()
                    return await self._publish(session, publisher, rows)
            # SQLite: one process, one connection, which must not wait on NATS.
            rows = (await session.execute(unsent)).all()
        async with sessions() as session, session.begin():
            return await self._publish(session, publisher, rows)

    async def _publish(
        self, session: AsyncSession, publisher: Publisher, rows: Sequence[Row[Any]]
    ) -> int:
        """Publish ``rows`` and mark those that went through as sent, in ``session``'s
        transaction. Each row counts on its own: one that fails stays unsent for the next
        round and does not hold back the rows that went through."""
        if not rows:
            return 0
        t = self.table
        outcomes = await asyncio.gather(
            *(
                publisher.publish_raw(r.subject, r.payload, msg_id=r.id, headers=r.headers)
                for r in rows
            ),
            return_exceptions=True,
        )
        sent = [
            r.id
            for r, outcome in zip(rows, outcomes, strict=True)
            if not isinstance(outcome, BaseException)
        ]
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if sent:
            await session.execute(
                update(t).where(t.c.id.in_(sent)).values(published_at=datetime.now(UTC))
            )
        if failures:
            if len(failures) == len(rows):
                raise failures[0]  # nothing went through: the relay's supervisor backs off
            log.warning(
                "outbox rows left for the next round",
                extra={"count": len(failures), "error": type(failures[0]).__name__},
            )
        log.debug("outbox published", extra={"count": len(sent)})
        return len(sent)
