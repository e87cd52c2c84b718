"""Storing, searching and exporting the access log."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import AccessRecordPublic
from lifecase_contracts.events import AccessRecorded, Envelope, EventData, Localized
from lifecase_intake.models import AccessRecord
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory, as_utc, insert_new
from lifecase_platform.errors import Forbidden
from lifecase_platform.messaging import SessionHandler

READERS = frozenset({"admin", "auditor"})
EXPORT_BATCH = 1000
CSV_COLUMNS = list(AccessRecordPublic.model_fields)


def require_reader(user: Principal) -> None:
    if not READERS & set(user.roles):
        raise Forbidden(
            Localized(
                da="Kun administratorer og revisorer må læse adgangsloggen.",
                en="Only administrators and auditors may read the access log.",
            )
        )


@dataclass
class AccessLogProjection:
    """Handlers write through the batch's session (``BatchConsumer``)."""

    async def access_recorded(
        self, session: AsyncSession, envelope: Envelope[AccessRecorded]
    ) -> None:
        """Store the record once: a redelivered event finds its id taken and adds nothing."""
        e = envelope.data
        values = {
            "id": envelope.id,
            "at": e.at,
            "source": envelope.source,
            "actor": e.actor,
            "roles": e.roles,
            "action": e.action,
            "resource": e.resource,
            "resource_id": e.resource_id,
            "case_id": e.case_id,
            "personal_data": e.personal_data,
            "reason": e.reason,
        }
        await insert_new(session, AccessRecord, values)

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {AccessRecorded: self.access_recorded}


@dataclass(frozen=True)
class AccessFilter:
    """What an auditor searches by; every part is optional."""

    case_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    personal_data_only: bool = False

    def apply(self, query: Select[tuple[AccessRecord]]) -> Select[tuple[AccessRecord]]:
        if self.case_id:
            query = query.where(AccessRecord.case_id == self.case_id)
        if self.actor:
            query = query.where(AccessRecord.actor == self.actor)
        if self.action:
            query = query.where(AccessRecord.action == self.action)
        if self.since:
            query = query.where(AccessRecord.at >= self.since)
        if self.until:
            query = query.where(AccessRecord.at < self.until)
        if self.personal_data_only:
            query = query.where(AccessRecord.personal_data.is_(True))
        return query


def _public(record: AccessRecord) -> AccessRecordPublic:
    public = AccessRecordPublic.model_validate(record, from_attributes=True)
    return public.model_copy(update={"at": as_utc(public.at)})


async def search(
    *, session: AsyncSession, user: Principal, filters: AccessFilter, limit: int, offset: int = 0
) -> list[AccessRecordPublic]:
    """The newest matching records first."""
    require_reader(user)
    query = filters.apply(select(AccessRecord))
    query = query.order_by(AccessRecord.at.desc(), AccessRecord.id.desc())
    rows = await session.scalars(query.limit(limit).offset(offset))
    return [_public(r) for r in rows]


async def export_csv(
    *, sessions: SessionFactory, user: Principal, filters: AccessFilter
) -> AsyncIterator[str]:
    """Every matching record as CSV, oldest first, read in batches so a long log streams."""
    require_reader(user)
    yield _csv_line(CSV_COLUMNS)
    after: tuple[datetime, str] | None = None
    while True:
        query = filters.apply(select(AccessRecord)).order_by(AccessRecord.at, AccessRecord.id)
        if after is not None:
            query = query.where(
                (AccessRecord.at > after[0])
                | ((AccessRecord.at == after[0]) & (AccessRecord.id > after[1]))
            )
        async with sessions() as session:
            rows = list(await session.scalars(query.limit(EXPORT_BATCH)))
        for row in rows:
            yield _csv_line([_cell(getattr(_public(row), c)) for c in CSV_COLUMNS])
        if len(rows) < EXPORT_BATCH:
            return
        after = (rows[-1].at, rows[-1].id)


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    text = "" if value is None else str(value)
    # A spreadsheet must not run a cell as a formula (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()
