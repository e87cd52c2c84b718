"""Processed-event records: a consumer's effect and the record that it happened commit together,
so a redelivered event is recognised and skipped (``lifecase_platform.messaging.BatchConsumer``
writes and reads them)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )
