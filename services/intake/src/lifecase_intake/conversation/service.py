"""The conversation's operations (keyword-only): the reporter writes, and the case shows the
messages and the reasons of rejected sub-cases."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import CasePublic
from lifecase_contracts.events import AttachmentRef, Envelope, Localized, ReporterReplied
from lifecase_contracts.workspace import CaseMessagePublic, ReporterMessageCreate
from lifecase_intake.conversation.models import CaseMessage, MessageAttachment, SubcaseRejection
from lifecase_intake.models import Case, Subcase
from lifecase_platform import access_log, attachments
from lifecase_platform.attachments import AttachmentStore, Readable, Scanner, StoredAttachment
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory, as_utc
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
    attached: Sequence[StoredAttachment] = (),
) -> CaseMessagePublic:
    """Store the reporter's message on their case and tell the units (``ReporterReplied``),
    in one transaction. It names its addressee: the question it answers, or the unit it is
    for; never both, never neither (``Invalid``). ``attached``: files already in the
    attachment store (``write_with_files``)."""
    case = await _writable_case(session=session, reporter=reporter, case_id=case_id)
    asked = await _check_addressee(session=session, case=case, body=body)
    message = CaseMessage(
        id=str(uuid.uuid4()),
        case_id=case.id,
        subcase_id=asked.subcase_id if asked else None,
        kind="reply",
        title_da=None,
        title_en=None,
        text=body.text,
        author=reporter.username,
        in_reply_to=body.in_reply_to,
        to_unit=body.to_unit,
        created_at=datetime.now(UTC),
    )
    session.add(message)
    rows = [
        MessageAttachment(
            id=a.id,
            case_id=case.id,
            message_id=message.id,
            position=position,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
        )
        for position, a in enumerate(attached)
    ]
    session.add_all(rows)
    event = ReporterReplied(
        case_id=case.id,
        message_id=message.id,
        text=message.text,
        reporter=case.reporter,
        in_reply_to=message.in_reply_to,
        to_unit=message.to_unit,
        attachments=[a.ref() for a in attached],
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
    return _public([message], rows)[0]


async def _writable_case(*, session: AsyncSession, reporter: Principal, case_id: str) -> Case:
    case = await session.get(Case, case_id)
    if case is None or case.reporter != reporter.username:
        raise NotFound(Localized(da="sagen", en="case"))
    if case.status == "completed":
        raise Conflict(Localized(da="Sagen er afsluttet.", en="The case is completed."))
    return case


@dataclass(frozen=True)
class AttachmentRules:
    """What a message's files must keep to (``IntakeSettings``), and who scans them."""

    max_bytes: int
    max_files: int
    scanner: Scanner


async def write_with_files(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    store: AttachmentStore,
    rules: AttachmentRules,
    reporter: Principal,
    case_id: str,
    body: ReporterMessageCreate,
    files: Sequence[Readable],
) -> CaseMessagePublic:
    """``write`` with attached files: each is checked (size, type, scan), the files are
    stored, then the message is written; if that fails, the stored files are deleted again.
    Either the message with all its files exists afterwards, or nothing does."""
    async with sessions() as session:
        case = await _writable_case(session=session, reporter=reporter, case_id=case_id)
        await _check_addressee(session=session, case=case, body=body)
    uploads = await attachments.receive(
        files, max_bytes=rules.max_bytes, max_files=rules.max_files, scanner=rules.scanner
    )
    stored = await store.put_all(uploads)
    try:
        async with sessions() as session, session.begin():
            return await write(
                session=session,
                outbox=outbox,
                reporter=reporter,
                case_id=case_id,
                body=body,
                attached=stored,
            )
    except BaseException:
        await store.delete_all([s.id for s in stored])
        raise


async def read_attachment(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    store: AttachmentStore,
    reporter: Principal,
    case_id: str,
    attachment_id: str,
) -> tuple[StoredAttachment, bytes]:
    """A file attached to a message on the reporter's own case; the download goes into the
    access log before it leaves. Anyone else's case has no such file (404)."""
    async with sessions() as session, session.begin():
        case = await session.get(Case, case_id)
        row = await session.get(MessageAttachment, attachment_id)
        if (
            case is None
            or case.reporter != reporter.username
            or row is None
            or row.case_id != case.id
        ):
            raise NotFound(Localized(da="den vedhæftede fil", en="attachment"))
        await access_log.record(
            session,
            outbox,
            source=SOURCE,
            user=reporter,
            action="case.attachment_read",
            resource="case_message_attachment",
            resource_id=row.id,
            case_id=case.id,
            personal_data=True,
            reason="reporter of the case",
        )
        described = StoredAttachment(
            id=row.id,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
        )
    _, data = await store.get(attachment_id)
    return described, data


NO_ADDRESSEE = Localized(
    da="Vælg, hvem beskeden er til: svar på et spørgsmål, eller skriv til en enhed.",
    en="Choose whom the message is for: answer a question, or write to a unit.",
)
BOTH_ADDRESSEES = Localized(
    da="En besked svarer på ét spørgsmål eller går til én enhed, ikke begge dele.",
    en="A message answers one question or goes to one unit, not both.",
)
NO_SUCH_QUESTION = Localized(
    da="Der er ikke noget sådant spørgsmål på sagen.",
    en="There is no such question on the case.",
)
NO_SUCH_UNIT = Localized(
    da="Ingen enhed med det navn har en opgave på sagen.",
    en="No unit of that name has a task on the case.",
)


async def _check_addressee(
    *, session: AsyncSession, case: Case, body: ReporterMessageCreate
) -> CaseMessage | None:
    """The message answers a question of this case (returned), or goes to a unit with a
    task on it."""
    if body.in_reply_to is None and body.to_unit is None:
        raise Invalid(NO_ADDRESSEE, errors=[field_error(["body", "to_unit"], "missing", "missing")])
    if body.in_reply_to is not None and body.to_unit is not None:
        raise Invalid(
            BOTH_ADDRESSEES, errors=[field_error(["body", "to_unit"], "both given", "conflict")]
        )
    if body.in_reply_to is not None:
        asked = await session.get(CaseMessage, body.in_reply_to)
        if asked is None or asked.case_id != case.id or asked.kind == "reply":
            raise Invalid(
                NO_SUCH_QUESTION,
                errors=[field_error(["body", "in_reply_to"], "unknown", "unknown")],
            )
        return asked
    if body.to_unit not in await units_of(session=session, case_id=case.id):
        raise Invalid(NO_SUCH_UNIT, errors=[field_error(["body", "to_unit"], "unknown", "unknown")])
    return None


async def units_of(*, session: AsyncSession, case_id: str) -> list[str]:
    """The units that have (or had) a task on the case, in the order the tasks came."""
    units = await session.scalars(
        select(Subcase.unit)
        .where(Subcase.case_id == case_id, Subcase.unit.is_not(None))
        .order_by(Subcase.position)
    )
    return list(dict.fromkeys(u for u in units if u is not None))


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
    files = await session.scalars(
        select(MessageAttachment)
        .where(MessageAttachment.case_id == case.id)
        .order_by(MessageAttachment.message_id, MessageAttachment.position)
    )
    return case.model_copy(
        update={"subcases": subcases, "messages": _public(messages, list(files))}
    )


def _public(
    messages: list[CaseMessage], files: Sequence[MessageAttachment] = ()
) -> list[CaseMessagePublic]:
    # A question is answered by a reply that names it, and by nothing else: a note to a unit
    # (or an old reply that named no question) leaves every question open.
    answered = {m.in_reply_to for m in messages if m.kind == "reply" and m.in_reply_to}
    attached: dict[str, list[AttachmentRef]] = defaultdict(list)
    for f in sorted(files, key=lambda f: f.position):
        attached[f.message_id].append(
            AttachmentRef(id=f.id, filename=f.filename, content_type=f.content_type, size=f.size)
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
            answered=m.kind == "question" and m.id in answered,
            created_at=as_utc(m.created_at),
            to_unit=m.to_unit,
            attachments=attached.get(m.id, []),
        )
        for m in messages
    ]
