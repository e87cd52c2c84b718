"""The retention job: a closed case keeps its personal data for ``case_retention_days``, the
access log its lines for ``access_log_retention_days``. Intake finds the cases whose time is
up, erases what it holds of them, and announces ``CaseErased`` so every other service erases
theirs (``lifecase_platform.retention``)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from nats.js import JetStreamContext
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import CaseErased, Envelope, derived_id
from lifecase_intake.conversation.models import CaseMessage, SubcaseRejection
from lifecase_intake.models import AccessLogPurge, AccessRecord, BulkBatch, Case, TimelineEvent
from lifecase_intake.models import outbox as outbox_table
from lifecase_intake.service import SOURCE
from lifecase_intake.settings import IntakeSettings
from lifecase_platform.db import SessionFactory
from lifecase_platform.outbox import Outbox
from lifecase_platform.retention import (
    delete_rows,
    erase_from_stream,
    prune_outbox,
    record_erasure,
)
from lifecase_platform.tasks import stopping

log = logging.getLogger(__name__)
BATCH = 100  # cases per transaction


@dataclass
class ErasureReport:
    """What one run erased: case ids, rows per table, stream messages, access-log lines."""

    cases: list[str] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)
    stream_messages: int = 0
    access_log_lines: int = 0


@dataclass
class RetentionJob:
    sessions: SessionFactory
    outbox: Outbox
    js: JetStreamContext
    settings: IntakeSettings

    async def run_forever(self) -> None:
        while not stopping():
            report = await self.run_once()
            if report.cases or report.access_log_lines:
                log.info(
                    "retention run",
                    extra={
                        "cases": len(report.cases),
                        "rows": dict(report.rows),
                        "stream_messages": report.stream_messages,
                        "access_log_lines": report.access_log_lines,
                    },
                )
            await asyncio.sleep(self.settings.retention_check_seconds)
        raise asyncio.CancelledError

    async def run_once(self, now: datetime | None = None) -> ErasureReport:
        now = now or datetime.now(UTC)
        s, report = self.settings, ErasureReport()
        cutoff = now - timedelta(days=s.case_retention_days)
        while batch := await self._erase_batch(cutoff, now, report):
            report.cases.extend(batch)
        async with self.sessions() as session, session.begin():
            report.rows["bulk_batches"] += await delete_rows(
                session, delete(BulkBatch).where(BulkBatch.created_at < cutoff)
            )
            report.rows["outbox"] += await prune_outbox(session, outbox_table)
        # The stream drops events by itself after event_retention_days; sooner, erase them.
        if report.cases and s.case_retention_days < s.event_retention_days:
            report.stream_messages = await erase_from_stream(self.js, report.cases)
        report.access_log_lines = await self._expire_access_log(
            now - timedelta(days=s.access_log_retention_days)
        )
        return report

    async def _erase_batch(
        self, cutoff: datetime, now: datetime, report: ErasureReport
    ) -> list[str]:
        async with self.sessions() as session, session.begin():
            cases = list(
                await session.scalars(
                    select(Case)
                    .where(Case.erased_at.is_(None), Case.closed_at < cutoff)
                    .order_by(Case.closed_at, Case.id)
                    .limit(BATCH)
                )
            )
            for case in cases:
                counts = await _erase_case(session, case, now)
                report.rows.update(counts)
                await record_erasure(
                    session, self.outbox, source=SOURCE, case_id=case.id, counts=counts
                )
                event = CaseErased(case_id=case.id, erased_at=now)
                await self.outbox.add(
                    session,
                    Envelope.wrap(
                        event, source=SOURCE, subject=case.id, id=derived_id("erased", case.id)
                    ),
                )
        return [c.id for c in cases]

    async def _expire_access_log(self, cutoff: datetime) -> int:
        """Delete access-log lines older than ``cutoff``: the purge row lets this one
        transaction past the table's append-only triggers."""
        async with self.sessions() as session, session.begin():
            await session.execute(insert(AccessLogPurge).values(id=1))
            deleted = await delete_rows(
                session, delete(AccessRecord).where(AccessRecord.at < cutoff)
            )
            await session.execute(delete(AccessLogPurge))
        return deleted


async def _erase_case(session: AsyncSession, case: Case, now: datetime) -> Counter[str]:
    """Remove the case's data, messages, rejection reasons and timeline; keep the skeleton
    (type, status, dates, sub-case titles) that statistics need."""
    counts: Counter[str] = Counter(cases=1)
    for table, column in (
        (CaseMessage, CaseMessage.case_id),
        (SubcaseRejection, SubcaseRejection.case_id),
        (TimelineEvent, TimelineEvent.case_id),
    ):
        statement = delete(table).where(column == case.id)
        counts[table.__tablename__] = await delete_rows(
            session, statement.execution_options(synchronize_session=False)
        )
    session.expire(case, ["timeline"])
    for sub in case.subcases:
        sub.reason = None
    case.data, case.erased_at = {}, now
    return counts
