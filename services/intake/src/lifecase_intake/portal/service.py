"""What the portal adds to intake's operations (keyword-only, like ``lifecase_intake.service``):
drafts, bulk batches submitted row by row, searching the reporter's own cases, and which of
them wait for the reporter's answer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lifecase_contracts.api import CaseCreate, CasePublic, EventTypePublic
from lifecase_contracts.events import Localized
from lifecase_intake import service
from lifecase_intake.conversation.models import CaseMessage
from lifecase_intake.models import BulkBatch, Case, Draft, EventType, Subcase
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.errors import DomainError, NotFound
from lifecase_platform.outbox import Outbox

SEARCH_WINDOW = 500  # a reporter's newest cases that search and filters look through
OPEN_CASES = ("submitted", "in_progress")
CLOSED_SUBCASES = ("resolved", "rejected", "cancelled")


def form_key(token: str) -> str:
    """The Idempotency-Key of a form: every submit of one form (double clicks, a resubmit
    after going back, a draft finished later) names the same case."""
    return f"portal-form:{token}"


def bulk_key(batch_id: str, line: int) -> str:
    return f"portal-bulk:{batch_id}:{line}"


async def event_type(*, session: AsyncSession, key: str) -> EventTypePublic:
    row = await session.get(EventType, key)
    if row is None:
        raise service.UnknownEventType()
    return EventTypePublic(
        key=row.key,
        version=row.version,
        title=Localized(da=row.title_da, en=row.title_en),
        description=Localized(da=row.description_da, en=row.description_en),
        input_schema=row.input_schema,
    )


async def save_draft(
    *, sessions: SessionFactory, reporter: str, token: str, event_type: str, data: dict[str, Any]
) -> None:
    async with sessions() as session, session.begin():
        await session.merge(
            Draft(
                reporter=reporter,
                token=token,
                event_type=event_type,
                data=data,
                updated_at=datetime.now(UTC),
            )
        )


async def get_draft(*, session: AsyncSession, reporter: str, token: str) -> Draft:
    draft = await session.get(Draft, (reporter, token))
    if draft is None:
        raise NotFound(Localized(da="kladden", en="draft"))
    return draft


async def list_drafts(*, session: AsyncSession, reporter: str) -> list[Draft]:
    query = select(Draft).where(Draft.reporter == reporter).order_by(Draft.updated_at.desc())
    return list(await session.scalars(query))


async def delete_draft(*, sessions: SessionFactory, reporter: str, token: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(delete(Draft).where(Draft.reporter == reporter, Draft.token == token))


async def submit_form(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    reporter: Principal,
    event_type: str,
    data: dict[str, Any],
    token: str,
    language: str,
) -> CasePublic:
    """Submit a form once, whatever happens to the button; its draft, if any, is done with."""
    case, _ = await service.submit_case(
        sessions=sessions,
        outbox=outbox,
        reporter=reporter,
        request=CaseCreate(event_type=event_type, data=data),
        idempotency_key=form_key(token),
        language=language,
    )
    await delete_draft(sessions=sessions, reporter=reporter.username, token=token)
    return case


async def create_batch(
    *,
    sessions: SessionFactory,
    reporter: str,
    event_type: str,
    file_name: str,
    rows: Sequence[tuple[int, dict[str, Any]]],
) -> str:
    """Keep a fully valid upload until the reporter submits it."""
    batch_id = str(uuid.uuid4())
    async with sessions() as session, session.begin():
        session.add(
            BulkBatch(
                id=batch_id,
                reporter=reporter,
                event_type=event_type,
                file_name=file_name[:200],
                rows=[{"line": line, "data": data, "case_id": None} for line, data in rows],
                created_at=datetime.now(UTC),
            )
        )
    return batch_id


async def get_batch(*, session: AsyncSession, reporter: str, batch_id: str) -> BulkBatch:
    batch = await session.get(BulkBatch, batch_id)
    if batch is None or batch.reporter != reporter:
        raise NotFound(Localized(da="uploaden", en="upload"))
    return batch


async def submit_batch_rows(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    reporter: Principal,
    batch_id: str,
    limit: int,
    language: str,
) -> BulkBatch:
    """Submit up to ``limit`` rows not submitted yet. Each row has its own Idempotency-Key,
    so a retried or concurrent call never files a row twice."""
    async with sessions() as session:
        batch = await get_batch(session=session, reporter=reporter.username, batch_id=batch_id)
    done: dict[int, dict[str, Any]] = {}
    for row in [r for r in batch.rows if not r["case_id"] and not r.get("error")][:limit]:
        try:
            case, _ = await service.submit_case(
                sessions=sessions,
                outbox=outbox,
                reporter=reporter,
                request=CaseCreate(event_type=batch.event_type, data=row["data"]),
                idempotency_key=bulk_key(batch_id, row["line"]),
                language=language,
            )
            done[row["line"]] = {"case_id": case.id}
        except DomainError as error:  # the template changed since the upload was checked
            done[row["line"]] = {
                "error": error.text.pick(language) if error.text else str(error.status)
            }
    async with sessions() as session, session.begin():
        batch = await get_batch(session=session, reporter=reporter.username, batch_id=batch_id)
        batch.rows = [{**r, **done.get(r["line"], {})} for r in batch.rows]
    return batch


async def my_cases(
    *,
    session: AsyncSession,
    reporter: str,
    text: str = "",
    status: str = "",
    event_type: str = "",
) -> list[CasePublic]:
    """The reporter's newest cases matching every given filter; ``text`` matches any word of
    the case's data or its id."""
    query = select(Case).where(Case.reporter == reporter)
    if status:
        query = query.where(Case.status == status)
    if event_type:
        query = query.where(Case.event_type == event_type)
    rows = await session.scalars(
        query.order_by(Case.created_at.desc(), Case.id.desc()).limit(SEARCH_WINDOW)
    )
    cases = [service.to_public(c) for c in rows]
    words = text.lower().split()
    return [c for c in cases if all(w in _haystack(c) for w in words)]


def _haystack(case: CasePublic) -> str:
    return " ".join([case.id, *(str(v) for v in case.data.values())]).lower()


async def waiting_for_reporter(*, session: AsyncSession, reporter: str) -> dict[str, datetime]:
    """The reporter's open cases that wait for them, each with when it was last asked: a
    caseworker's question that no reply names (``in_reply_to``), on a task still open."""
    reply = aliased(CaseMessage)
    answered = exists().where(
        reply.case_id == CaseMessage.case_id,
        reply.kind == "reply",
        reply.in_reply_to == CaseMessage.id,
    )
    rows = await session.execute(
        select(CaseMessage.case_id, func.max(CaseMessage.created_at))
        .join(Case, Case.id == CaseMessage.case_id)
        .outerjoin(Subcase, Subcase.id == CaseMessage.subcase_id)
        .where(
            Case.reporter == reporter,
            Case.status.in_(OPEN_CASES),
            CaseMessage.kind == "question",
            Subcase.status.is_(None) | Subcase.status.not_in(CLOSED_SUBCASES),
            ~answered,
        )
        .group_by(CaseMessage.case_id)
    )
    return {case_id: asked for case_id, asked in rows}


async def cases_by_id(*, session: AsyncSession, case_ids: Sequence[str]) -> list[CasePublic]:
    rows = await session.scalars(select(Case).where(Case.id.in_(case_ids)))
    return [service.to_public(c) for c in rows]
