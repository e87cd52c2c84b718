"""Processed-event records: a consumer's effect and the record that it happened commit together,
so a redelivered event is recognised and skipped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_platform.db import SessionFactory


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )


async def handle_once(
    sessions: SessionFactory,
    table: Table,
    *,
    consumer: str,
    event_id: str,
    effect: Callable[[AsyncSession], Awaitable[None]],
) -> bool:
    """Run ``effect`` in one transaction with the processed record. False if seen before."""
    seen = select(table.c.event_id).where(
        table.c.consumer == consumer, table.c.event_id == event_id
    )
    try:
        async with sessions() as session, session.begin():
            if await session.scalar(seen) is not None:
                return False
            await effect(session)
            await session.execute(
                table.insert().values(
                    consumer=consumer, event_id=event_id, processed_at=datetime.now(UTC)
                )
            )
    except IntegrityError:
        async with sessions() as session:
            if await session.scalar(seen) is not None:
                return False  # a concurrent delivery of the same event committed first
        raise
    return True
