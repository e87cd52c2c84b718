"""Intake domain operations (keyword-only): submit, read and list cases; event types."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import (
    CaseCreate,
    CasePublic,
    CaseReschedule,
    CaseWithdraw,
    EventTypePublic,
    SubcasePublic,
    TimelineEntry,
)
from lifecase_contracts.events import (
    CaseRescheduled,
    CaseSubmitted,
    CaseWithdrawn,
    Envelope,
    Localized,
    derived_id,
)
from lifecase_intake import timeline
from lifecase_intake.case_numbers import next_case_number
from lifecase_intake.conversation.service import with_conversation
from lifecase_intake.duplicates import duplicate_warnings
from lifecase_intake.models import Case, EventType, IdempotencyKey, TemplateSchema, TimelineEvent
from lifecase_platform import access_log
from lifecase_platform.auth import Principal
from lifecase_platform.case_data import field_label, validate_case_data
from lifecase_platform.db import SessionFactory, as_utc
from lifecase_platform.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound, field_error
from lifecase_platform.metrics import CASES_FILED
from lifecase_platform.outbox import Outbox

SOURCE = "lifecase/intake"


def require_reporter(user: Principal) -> None:
    """Reporters file cases: caseworkers, admins and robots work them."""
    if not user.has("reporter"):
        raise Forbidden(
            Localized(
                da="Kun indberettere opretter sager; denne konto behandler dem.",
                en="Only reporters file cases; this account works them.",
            )
        )


NOT_A_DATE_FIELD = Localized(da="Ikke et datofelt i sagen.", en="Not a date field of this case.")


class UnknownEventType(NotFound):
    def __init__(self) -> None:
        super().__init__(Localized(da="hændelsestypen", en="event type"))


async def submit_case(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    reporter: Principal,
    request: CaseCreate,
    idempotency_key: str | None,
    language: str,
) -> tuple[CasePublic, bool]:
    """Validate and store a new case with its ``case.submitted`` event, in one transaction.

    Returns the case and whether it was created now (False: an idempotent replay). Only
    reporters file cases: caseworkers, admins and robots work them.
    """
    require_reporter(reporter)
    request_hash = hashlib.sha256(
        json.dumps(request.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    if idempotency_key is not None:
        replay = await _replay(
            sessions=sessions,
            reporter=reporter.username,
            key=idempotency_key,
            request_hash=request_hash,
        )
        if replay is not None:
            return replay, False
    try:
        async with sessions() as session, session.begin():
            case, case_schema = await _create(
                session=session,
                outbox=outbox,
                reporter=reporter,
                request=request,
                language=language,
            )
            if idempotency_key is not None:
                session.add(
                    IdempotencyKey(
                        reporter=reporter.username,
                        key=idempotency_key,
                        request_hash=request_hash,
                        case_id=case.id,
                        created_at=case.created_at,
                    )
                )
            public = to_public(case)
            public.warnings = await duplicate_warnings(
                session=session,
                reporter=case.reporter,
                event_type=case.event_type,
                input_schema=case_schema,
                data=case.data,
                exclude_case=case.id,
            )
    except IntegrityError:
        if idempotency_key is None:
            raise
        replay = await _replay(
            sessions=sessions,
            reporter=reporter.username,
            key=idempotency_key,
            request_hash=request_hash,
        )
        if replay is None:
            raise
        return replay, False
    CASES_FILED.add(1, {"event_type": public.event_type})
    return public, True


async def _replay(
    *, sessions: SessionFactory, reporter: str, key: str, request_hash: str
) -> CasePublic | None:
    async with sessions() as session:
        stored = await session.get(IdempotencyKey, (reporter, key))
        if stored is None:
            return None
        if stored.request_hash != request_hash:
            raise Conflict(
                Localized(
                    da="Denne Idempotency-Key er brugt til en anden forespørgsel.",
                    en="This Idempotency-Key was used for a different request.",
                )
            )
        case = await session.get(Case, stored.case_id)
        assert case is not None
        return to_public(case)


async def _create(
    *,
    session: AsyncSession,
    outbox: Outbox,
    reporter: Principal,
    request: CaseCreate,
    language: str,
) -> tuple[Case, dict[str, Any]]:
    """The new case, staged in ``session``, and the schema it was checked against."""
    event_type = await session.get(EventType, request.event_type)
    if event_type is None:
        raise UnknownEventType()
    errors = validate_case_data(event_type.input_schema, request.data, language)
    if errors:
        raise Invalid(
            Localized(
                da="Sagens oplysninger passer ikke til hændelsestypen.",
                en="The case data is not valid for this event type.",
            ),
            errors=errors,
        )
    now = datetime.now(UTC)
    case = Case(
        revision=0,
        timeline=[],
        id=str(uuid.uuid4()),
        case_number=await next_case_number(session, filed_at=now),
        reporter=reporter.username,
        department=reporter.department,
        event_type=event_type.key,
        template_version=event_type.version,
        data=request.data,
        status="submitted",
        created_at=now,
        completed_at=None,
        subcases=[],
    )
    session.add(case)
    _timeline(session, case, "case_submitted", timeline.submitted(), now)
    event = CaseSubmitted(
        case_id=case.id,
        event_type=case.event_type,
        template_version=case.template_version,
        reporter=case.reporter,
        department=case.department,
        data=case.data,
        submitted_at=now,
        case_number=case.case_number,
        reporter_name=reporter.name or None,
    )
    await outbox.add(
        session, Envelope.wrap(event, source=SOURCE, id=str(uuid.uuid4()), subject=case.id)
    )
    await _log_change(session, outbox, reporter, "case.filed", case, case.event_type)
    return case, event_type.input_schema


async def get_case(*, session: AsyncSession, viewer: Principal, case_id: str) -> CasePublic:
    """A case, if the viewer filed it (or is an admin); otherwise it does not exist for them."""
    case = await _visible_case(session=session, viewer=viewer, case_id=case_id)
    return await with_conversation(session=session, case=to_public(case))


async def _visible_case(*, session: AsyncSession, viewer: Principal, case_id: str) -> Case:
    case = await session.get(Case, case_id)
    if case is None or (case.reporter != viewer.username and not viewer.is_admin):
        raise NotFound(Localized(da="sagen", en="case"))
    return case


def _require_running(case: Case) -> None:
    if case.status not in ("submitted", "in_progress"):
        raise Conflict(
            Localized(
                da="Sagen er afsluttet eller trukket tilbage og kan ikke ændres.",
                en=f"The case is {case.status} and can no longer change.",
            )
        )


async def reschedule_case(
    *,
    session: AsyncSession,
    outbox: Outbox,
    viewer: Principal,
    case_id: str,
    change: CaseReschedule,
    language: str,
) -> CasePublic:
    """Change date fields of a running case; the whole change is valid or nothing changes."""
    case = await _visible_case(session=session, viewer=viewer, case_id=case_id)
    _require_running(case)
    pinned = await session.get(TemplateSchema, (case.event_type, case.template_version))
    schema = pinned.input_schema if pinned else {}
    dates = {k for k, p in schema.get("properties", {}).items() if p.get("format") == "date"}
    not_dates = sorted(set(change.data) - dates)
    if not_dates:
        raise Invalid(
            Localized(da="Kun datofelter kan flyttes.", en="Only date fields can be rescheduled."),
            errors=[
                field_error(
                    ["body", "data", k], NOT_A_DATE_FIELD.pick(language), "not_a_date_field"
                )
                for k in not_dates
            ],
        )
    data = {**case.data, **change.data}
    errors = validate_case_data(schema, data, language)
    if errors:
        raise Invalid(
            Localized(da="De nye datoer er ikke gyldige.", en="The new dates are not valid."),
            errors=errors,
        )
    changed = sorted(k for k in change.data if case.data.get(k) != change.data[k])
    if not changed:
        return to_public(case)
    now = datetime.now(UTC)
    case.data, case.revision = data, case.revision + 1
    labels = [field_label(schema, k) for k in changed]
    _timeline(session, case, "case_rescheduled", timeline.rescheduled(labels, change.reason), now)
    event = CaseRescheduled(
        case_id=case.id,
        revision=case.revision,
        dates={k: v for k, v in data.items() if k in dates and isinstance(v, str)},
        changed_fields=changed,
        reason=change.reason,
        reporter=case.reporter,
    )
    await outbox.add(
        session, Envelope.wrap(event, source=SOURCE, subject=case.id, id=str(uuid.uuid4()))
    )
    await _log_change(session, outbox, viewer, "case.rescheduled", case, change.reason)
    return to_public(case)


async def withdraw_case(
    *,
    session: AsyncSession,
    outbox: Outbox,
    viewer: Principal,
    case_id: str,
    withdrawal: CaseWithdraw,
) -> CasePublic:
    """Withdraw a running case: open work is cancelled and finished work reversed."""
    case = await _visible_case(session=session, viewer=viewer, case_id=case_id)
    _require_running(case)
    now = datetime.now(UTC)
    case.status, case.closed_at = "withdrawn", now
    _timeline(session, case, "case_withdrawn", timeline.withdrawn(withdrawal.reason), now)
    event = CaseWithdrawn(
        case_id=case.id,
        event_type=case.event_type,
        reason=withdrawal.reason,
        reporter=case.reporter,
        withdrawn_at=now,
    )
    await outbox.add(
        session,
        Envelope.wrap(
            event, source=SOURCE, subject=case.id, id=derived_id("case-withdrawn", case.id)
        ),
    )
    await _log_change(session, outbox, viewer, "case.withdrawn", case, withdrawal.reason)
    return to_public(case)


def access_basis(case_reporter: str, viewer: Principal) -> str:
    """Why the viewer may see a case: it is theirs, or they administer the system."""
    return "reporter of the case" if case_reporter == viewer.username else "administrator"


async def _log_change(
    session: AsyncSession, outbox: Outbox, viewer: Principal, action: str, case: Case, why: str
) -> None:
    basis = access_basis(case.reporter, viewer)
    await access_log.record(
        session,
        outbox,
        source=SOURCE,
        user=viewer,
        action=action,
        resource="case",
        resource_id=case.id,
        case_id=case.id,
        personal_data=True,
        reason=f"{basis}: {why}" if why else basis,
    )


async def read_case(
    *, sessions: SessionFactory, outbox: Outbox, viewer: Principal, case_id: str
) -> CasePublic:
    """A case as ``get_case`` gives it, with the read in the access log (written before the
    answer leaves: a read that cannot be logged fails)."""
    async with sessions() as session, session.begin():
        case = await _visible_case(session=session, viewer=viewer, case_id=case_id)
        public = await with_conversation(session=session, case=to_public(case))
        await access_log.record(
            session,
            outbox,
            source=SOURCE,
            user=viewer,
            action="case.read",
            resource="case",
            resource_id=case.id,
            case_id=case.id,
            personal_data=True,
            reason=access_basis(case.reporter, viewer),
        )
    return public


def _timeline(session: AsyncSession, case: Case, kind: str, text: Localized, at: datetime) -> None:
    entry = TimelineEvent(
        id=str(uuid.uuid4()), case_id=case.id, at=at, kind=kind, text_da=text.da, text_en=text.en
    )
    session.add(entry)
    case.timeline.append(entry)


async def list_cases(
    *, session: AsyncSession, reporter: str, limit: int, cursor: str | None
) -> tuple[list[CasePublic], str | None]:
    """The reporter's cases, newest first, by keyset pagination."""
    query = select(Case).where(Case.reporter == reporter)
    if cursor:
        created_at, case_id = _decode_cursor(cursor)
        query = query.where(
            or_(
                Case.created_at < created_at, and_(Case.created_at == created_at, Case.id < case_id)
            )
        )
    rows = list(
        await session.scalars(
            query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)
        )
    )
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return [to_public(c) for c in rows[:limit]], next_cursor


def _encode_cursor(case: Case) -> str:
    raw = f"{case.created_at.isoformat()}|{case.id}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        created_at, case_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return datetime.fromisoformat(created_at), case_id
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(
            Localized(da="Markøren er ikke gyldig.", en="The cursor is not valid.")
        ) from error


async def event_types(*, session: AsyncSession) -> list[EventTypePublic]:
    rows = await session.scalars(select(EventType).order_by(EventType.key))
    return [
        EventTypePublic(
            key=r.key,
            version=r.version,
            title=Localized(da=r.title_da, en=r.title_en),
            description=Localized(da=r.description_da, en=r.description_en),
            input_schema=r.input_schema,
        )
        for r in rows
    ]


def to_public(case: Case) -> CasePublic:
    return CasePublic(
        id=case.id,
        case_number=case.case_number,
        event_type=case.event_type,
        template_version=case.template_version,
        status=case.status,
        data=case.data,
        created_at=as_utc(case.created_at),
        completed_at=as_utc(case.completed_at) if case.completed_at else None,
        revision=case.revision,
        subcases=[
            SubcasePublic(
                id=s.id,
                activity=s.activity,
                title=Localized(da=s.title_da, en=s.title_en),
                queue=s.queue,
                unit=s.unit,
                status=s.status,
                due_date=s.due_date,
                opens_on=s.opens_on,
                waits_for=s.waits_for or [],
                reason=s.reason,
            )
            for s in case.subcases
        ],
        timeline=[
            TimelineEntry(at=as_utc(t.at), kind=t.kind, text=Localized(da=t.text_da, en=t.text_en))
            for t in sorted(case.timeline, key=lambda t: as_utc(t.at))
        ],
    )
