"""Erasing a closed case's personal data once its retention period has ended.

Intake decides when (``lifecase_intake.retention``) and announces ``CaseErased``; every
service erases what it holds of that case, prunes its outbox of published events, and puts
a line with what it erased in the access log. Events still in the JetStream stream (when
the retention period is shorter than the stream's own max age) are erased from it too."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import Error as JetStreamError
from nats.js.errors import NotFoundError
from sqlalchemy import Executable, Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import STREAM_NAME, AccessRecorded, CaseErased, decode
from lifecase_platform import access_log
from lifecase_platform.auth import Principal
from lifecase_platform.outbox import Outbox

log = logging.getLogger(__name__)

# Who erases, as the access log names it.
RETENTION_JOB = Principal(username="lifecase-retention", name="Retention", roles=["system"])
SCAN_BATCH = 500
# Events that hold no personal data and that consumers must still read: never erased.
KEPT = frozenset({CaseErased.TYPE, AccessRecorded.TYPE})


def summary(counts: Mapping[str, int]) -> str:
    """What was erased, for the access log: ``table: rows`` pairs, no data."""
    parts = [f"{name}: {n}" for name, n in sorted(counts.items()) if n]
    return "retention period ended; erased " + (", ".join(parts) or "nothing")


async def record_erasure(
    session: AsyncSession, outbox: Outbox, *, source: str, case_id: str, counts: Mapping[str, int]
) -> None:
    await access_log.record(
        session,
        outbox,
        source=source,
        user=RETENTION_JOB,
        action="case.erased",
        resource="case",
        resource_id=case_id,
        case_id=case_id,
        reason=summary(counts),
    )


async def delete_rows(session: AsyncSession, statement: Executable) -> int:
    """Run a DELETE (or UPDATE) and say how many rows it touched: the erasure report's unit."""
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def prune_outbox(session: AsyncSession, table: Table) -> int:
    """Delete published outbox rows: they have done their work (JetStream has them, for as
    long as the stream keeps events) and would otherwise keep event bodies forever."""
    return await delete_rows(session, delete(table).where(table.c.published_at.is_not(None)))


async def erase_from_stream(js: JetStreamContext, case_ids: Collection[str]) -> int:
    """Erase every event about ``case_ids`` from the stream (``CaseErased`` and access-log
    records stay: they hold only ids, and the services still have to read them). Reads the whole
    stream once through an ephemeral consumer; returns how many messages were erased."""
    if not case_ids:
        return 0
    wanted = set(case_ids)
    info = await js.stream_info(STREAM_NAME)
    if not info.state.messages:
        return 0
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE,
        deliver_policy=DeliverPolicy.ALL,
        inactive_threshold=30.0,
        mem_storage=True,
    )
    subscription = await js.pull_subscribe("lifecase.>", stream=STREAM_NAME, config=config)
    erased = 0
    try:
        pending = True
        while pending:
            try:
                messages = await subscription.fetch(SCAN_BATCH, timeout=2)
            except TimeoutError:
                break
            for msg in messages:
                pending = msg.metadata.num_pending > 0
                if _about(msg.data, wanted):
                    try:
                        await js.delete_msg(STREAM_NAME, msg.metadata.sequence.stream)
                        erased += 1
                    except NotFoundError:
                        pass  # gone already (max age or a concurrent run)
    finally:
        try:
            await subscription.unsubscribe()
        except JetStreamError:
            log.warning("could not remove the stream scan's consumer; it expires by itself")
    return erased


def _about(raw: bytes, case_ids: set[str]) -> bool:
    try:
        envelope = decode(raw)
    except ValueError:
        return False  # not an event this version knows: it names no case of ours
    if envelope.type in KEPT:
        return False
    return getattr(envelope.data, "case_id", None) in case_ids
