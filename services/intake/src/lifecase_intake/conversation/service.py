"""The conversation's operations (keyword-only): the reporter writes, and the case shows the
messages and the reasons of rejected sub-cases."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import CasePublic
from lifecase_contracts.events import Envelope, Localized, ReporterReplied
from lifecase_contracts.workspace import CaseMessagePublic, ReporterMessageCreate
from lifecase_intake.conversation.models import CaseMessage, SubcaseRejection
from lifecase_intake.models import Case
from lifecase_platform import access_log
from lifecase_platform.auth import Principal
from lifecase_platform.db import as_utc
from lifecase_platform.errors import Conflict, Invalid, NotFound, field_error
from lifecase_platform.outbox import Outbox

SOURCE = "lifecase/intake"


async def write(
    *,
    session: AsyncSession,
    outbox: Outbox,
    reporter: Principal,
    case_id: str,
    body: ReporterMessageCreate,
) -> CaseMessagePublic:
    """Store the reporter's message on their case and tell the units (``ReporterReplied``),
    in one transaction."""
    case = await session.get(Case, case_id)
    if case is None or case.reporter != reporter.username:
        raise NotFound(Localized(da="sagen", en="case"))
    if case.status == "completed":
        raise Conflict(Localized(da="Sagen er afsluttet.", en="The case is completed."))
    if body.in_reply_to is not None:
        asked = await session.get(CaseMessage, body.in_reply_to)
        if asked is None or asked.case_id != case.id or asked.kind == "reply":
            raise Invalid(
                Localized(
                    da="Der er ikke noget sådant spørgsmål på sagen.",
                    en="There is no such question on the case.",
                ),
                errors=[field_error(["body", "in_reply_to"], "unknown", "unknown")],
            )
    message = CaseMessage(
        id=str(uuid.uuid4()),
        case_id=case.id,
        subcase_id=None,
        kind="reply",
        title_da=None,
        title_en=None,
        text=body.text,
        author=reporter.username,
        in_reply_to=body.in_reply_to,
        created_at=datetime.now(UTC),
    )
    session.add(message)
    event = ReporterReplied(
        case_id=case.id,
        message_id=message.id,
        text=message.text,
        reporter=case.reporter,
        in_reply_to=message.in_reply_to,
    )
    await outbox.add(session, Envelope.wrap(event, source=SOURCE, id=message.id, subject=case.id))
    await access_log.record(
        session,
        outbox,
        source=SOURCE,
        user=reporter,
        action="case.replied",
        resource="case_message",
        resource_id=message.id,
        case_id=case.id,
        reason="reporter of the case",
    )
    return _public([message])[0]


async def with_conversation(*, session: AsyncSession, case: CasePublic) -> CasePublic:
    """``case`` with its messages, oldest first, and each rejected sub-case's reason."""
    messages = list(
        await session.scalars(
            select(CaseMessage)
            .where(CaseMessage.case_id == case.id)
            .order_by(CaseMessage.created_at, CaseMessage.id)
        )
    )
    reasons = {
        r.subcase_id: r.reason
        for r in await session.scalars(
            select(SubcaseRejection).where(SubcaseRejection.case_id == case.id)
        )
    }
    subcases = [
        s.model_copy(update={"reason": reasons[s.id]}) if s.id in reasons else s
        for s in case.subcases
    ]
    return case.model_copy(update={"subcases": subcases, "messages": _public(messages)})


def _public(messages: list[CaseMessage]) -> list[CaseMessagePublic]:
    replies = [m for m in messages if m.kind == "reply"]

    def answered(question: CaseMessage) -> bool:
        # A reply to nothing in particular answers every question asked before it.
        return question.kind == "question" and any(
            r.in_reply_to == question.id
            or (r.in_reply_to is None and as_utc(r.created_at) >= as_utc(question.created_at))
            for r in replies
        )

    return [
        CaseMessagePublic(
            id=m.id,
            kind=m.kind,
            subcase_id=m.subcase_id,
            title=Localized(da=m.title_da, en=m.title_en) if m.title_da and m.title_en else None,
            text=m.text,
            author=m.author,
            in_reply_to=m.in_reply_to,
            answered=answered(m),
            created_at=as_utc(m.created_at),
        )
        for m in messages
    ]
