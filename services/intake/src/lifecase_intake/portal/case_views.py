"""The case page and what a reporter does there: follow the timeline, answer caseworkers,
move the case's dates, withdraw it. Each action calls the same service function as the API,
so the portal enforces exactly what the API enforces; what the reporter typed travels only in
POST bodies."""

from __future__ import annotations

import logging
import uuid
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from lifecase_contracts.api import CasePublic, CaseReschedule, CaseWithdraw
from lifecase_contracts.events import Localized
from lifecase_contracts.preview import DirectoryPublic
from lifecase_contracts.workspace import ReporterMessageCreate
from lifecase_intake import service, timeline
from lifecase_intake.conversation import service as conversation
from lifecase_intake.conversation.deps import AttachmentRulesDep, attachment_rules
from lifecase_intake.conversation.service import AttachmentRules
from lifecase_intake.deps import PlannerDep
from lifecase_intake.models import Case, EventType, TemplateSchema
from lifecase_intake.portal import service as portal
from lifecase_intake.portal.forms import FormField, form_fields
from lifecase_intake.portal.preview import CasePlanner, Move, PreviewUnavailable, moves
from lifecase_intake.transitions import CLOSED
from lifecase_platform import attachments
from lifecase_platform.attachments import UnsupportedAttachment
from lifecase_platform.auth import Principal
from lifecase_platform.case_data import validate_case_data
from lifecase_platform.db import SessionFactory
from lifecase_platform.deps import AttachmentStoreDep, OutboxDep, SessionsDep, WebUIDep
from lifecase_platform.errors import DomainError, Invalid, NotFound, TooLarge, Unavailable
from lifecase_platform.outbox import Outbox
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.i18n import language_of
from lifecase_platform.webui.session import session_token

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
RUNNING = ("submitted", "in_progress")
NOTICES = ("replied", "rescheduled", "withdrawn")
REASON_MAX = 2000
EMPTY_TEXT = Localized(da="Skriv noget, før du sender.", en="Write something before you send it.")
EMPTY_REASON = Localized(da="Skriv en begrundelse.", en="Give a reason.")
NO_CHANGE = Localized(da="Ret mindst én dato.", en="Change at least one date.")
TOO_LONG = Localized(da="Teksten er for lang.", en="The text is too long.")
NO_UNIT = Localized(da="Vælg en enhed.", en="Choose a unit.")


async def _case_context(
    request: Request,
    user: Principal,
    case_id: str,
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    planner: CasePlanner,
    shows_data: bool = True,
) -> dict[str, Any]:
    """What a case's pages show; ``shows_data``: the page shows the case's data, so the read
    goes into the access log (the polled sub-case list shows none)."""
    if shows_data:
        case = await service.read_case(
            sessions=sessions, outbox=outbox, viewer=user, case_id=case_id
        )
    async with sessions() as session:
        if not shows_data:
            case = await service.get_case(session=session, viewer=user, case_id=case_id)
        pinned = await session.get(TemplateSchema, (case.event_type, case.template_version))
        types = {t.key: t for t in await service.event_types(session=session)}
    schema = pinned.input_schema if pinned else {}
    directory = await planner.directory(token=session_token(request) or "")
    return {
        "directory": directory,
        "schema": schema,
        "previewed": False,
        "moves": [],
        "case": case,
        "event_type": types.get(case.event_type),
        "fields": form_fields(schema),
        "employee": employee_of(case, form_fields(schema)),
        "running": case.status in RUNNING,
        # A withdrawn case's tasks are cancelled after it; keep the page live until they are.
        "live": case.status in RUNNING or any(s.status not in CLOSED for s in case.subcases),
        "waits": _waits(case),
        "reasons": _reasons(case),
        "open_questions": [m for m in case.messages if m.kind == "question" and not m.answered],
        **_conversation(case, directory),
        **_attachment_limits(attachment_rules(request)),
        "message_errors": {},
        "message_values": {},
        "notice": None,
    }


def employee_of(case: CasePublic, fields: list[FormField]) -> str | None:
    """Whom the case is about, for its heading: the employee's name field if the life event
    has one, else its first text field whose key says it is a name; None if neither."""
    keys = [f.key for f in fields if f.kind == "text"]
    named = [k for k in keys if k == "employee_name"] or [k for k in keys if "name" in k]
    value = case.data.get(named[0]) if named else None
    return value.strip() or None if isinstance(value, str) else None


def _conversation(case: CasePublic, directory: DirectoryPublic) -> dict[str, Any]:
    """Who each message is from or to, the units she can write to (by name), the question
    each task waits for, and the rejected tasks with their next steps."""

    def unit(key: str | None) -> Localized | None:
        return directory.units.get(key, Localized(da=key, en=key)) if key else None

    units = {s.id: s.unit for s in case.subcases}
    messages = {m.id: m for m in case.messages}

    def person(author: str, subcase_id: str | None) -> Localized:
        name = unit(units.get(subcase_id or ""))
        if name is None:
            return Localized(da=author, en=author)
        return Localized(da=f"{author} ({name.da})", en=f"{author} ({name.en})")

    parties: dict[str, Localized] = {}
    for m in case.messages:
        if m.kind != "reply":
            parties[m.id] = person(m.author, m.subcase_id)
        elif m.in_reply_to in messages:
            asked = messages[m.in_reply_to]
            parties[m.id] = person(asked.author, asked.subcase_id)
        elif (to := unit(m.to_unit)) is not None:
            parties[m.id] = to
    waiting: dict[str, str] = {}
    for m in case.messages:
        if m.kind == "question" and not m.answered and m.subcase_id:
            waiting.setdefault(m.subcase_id, m.id)
    choices = [(key, unit(key)) for key in dict.fromkeys(s.unit for s in case.subcases if s.unit)]
    return {
        "parties": parties,
        "unit_choices": choices,
        "waiting_for_you": waiting if case.status in RUNNING else {},
        "rejected": [s for s in case.subcases if s.status == "rejected"],
        "unit_of": unit,
    }


def _attachment_limits(rules: AttachmentRules) -> dict[str, Any]:
    """What the message forms' file inputs accept, and the limits they tell."""
    return {
        "attachment_accept": attachments.ACCEPT,
        "attachment_types": attachments.EXTENSIONS,
        "attachment_max_files": rules.max_files,
        "attachment_max_mb": attachments.megabytes(rules.max_bytes),
    }


def _waits(case: CasePublic) -> dict[str, list[Localized]]:
    """What each waiting sub-case waits for, by title."""
    titles = {s.activity: s.title for s in case.subcases}
    return {
        s.id: [titles.get(key, Localized(da=key, en=key)) for key in s.waits_for]
        for s in case.subcases
    }


def _reasons(case: CasePublic) -> dict[str, Localized]:
    """Why a sub-case was cancelled (a known cause) or rejected (the caseworker's words)."""
    reasons = {}
    for sub in case.subcases:
        if sub.status in ("cancelled", "rejected") and sub.reason:
            known = timeline.CANCEL_REASONS.get(sub.reason)
            reasons[sub.id] = known or Localized(da=sub.reason, en=sub.reason)
    return reasons


@router.get("/cases/{case_id}")
async def case_page(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """One case: every sub-case with its unit, status and dates, the timeline, and the
    caseworkers' messages, open questions first."""
    context = await _case_context(
        request, user, case_id, sessions=sessions, outbox=outbox, planner=planner
    )
    notice = request.query_params.get("done")
    context["notice"] = notice if notice in NOTICES else None
    return ui.render(request, "portal/case.html", context)


@router.get("/cases/{case_id}/subcases")
async def case_subcases(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """The sub-cases and the timeline alone: the case page polls them while the case runs."""
    context = await _case_context(
        request,
        user,
        case_id,
        sessions=sessions,
        outbox=outbox,
        planner=planner,
        shows_data=False,
    )
    return ui.render(request, "portal/_subcases.html", context)


def _see_case(ui: WebUI, case_id: str, done: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(ui.path(f"cases/{case_id}?done={done}{anchor}"), status_code=303)


# --- Answering caseworkers ----------------------------------------------------------------


@router.post("/cases/{case_id}/messages")
async def write_message(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
    store: AttachmentStoreDep,
    rules: AttachmentRulesDep,
) -> Response:
    """Answer one caseworker's question (its task resumes), or write to one unit (this
    answers no question), with files attached if she likes; ``box`` names the form that
    posted, to show its errors there."""
    form = await request.form()
    # A file input left empty still sends a part, without a name or bytes.
    files = [f for f in form.getlist("attachments") if isinstance(f, UploadFile) and f.filename]
    text = str(form.get("text") or "").strip()
    in_reply_to = str(form.get("in_reply_to") or "") or None
    to_unit = None if in_reply_to else str(form.get("to_unit") or "") or None
    box = in_reply_to or str(form.get("box") or "")[:64]
    error = EMPTY_TEXT if not text else TOO_LONG if len(text) > 4000 else None
    if error is None and in_reply_to is None and to_unit is None:
        error = NO_UNIT
    if error is None:
        try:
            body = ReporterMessageCreate(text=text, in_reply_to=in_reply_to, to_unit=to_unit)
        except ValidationError:
            error = EMPTY_TEXT
    if error is None:
        try:
            await conversation.write_with_files(
                sessions=sessions,
                outbox=outbox,
                store=store,
                rules=rules,
                reporter=user,
                case_id=case_id,
                body=body,
                files=files,
            )
        except Invalid as problem:
            error = problem.text or NO_UNIT
        except (TooLarge, UnsupportedAttachment, Unavailable) as problem:
            error = problem.text or UnsupportedAttachment.default
    if error is not None:
        context = await _case_context(
            request, user, case_id, sessions=sessions, outbox=outbox, planner=planner
        )
        context["message_errors"] = {box: error.pick(language_of(request))}
        context["message_values"] = {box: text, "to_unit": to_unit or ""}
        return ui.render(request, "portal/case.html", context, status_code=422)
    return _see_case(ui, case_id, "replied", "#messages")


@router.get("/cases/{case_id}/attachments/{attachment_id}")
async def attachment(
    case_id: str,
    attachment_id: str,
    user: PageUser,
    sessions: SessionsDep,
    outbox: OutboxDep,
    store: AttachmentStoreDep,
) -> Response:
    """A file attached to a message on her case, as a download (in the access log)."""
    stored, data = await conversation.read_attachment(
        sessions=sessions,
        outbox=outbox,
        store=store,
        reporter=user,
        case_id=case_id,
        attachment_id=attachment_id,
    )
    return attachments.download(stored, data)


@router.post("/cases/{case_id}/file-again")
async def file_again(case_id: str, user: PageUser, ui: WebUIDep, sessions: SessionsDep) -> Response:
    """A new form for the same life event, filled in with this case's data (as a draft the
    reporter checks and submits): the case's data never travels in the address."""
    async with sessions() as session:
        case = await session.get(Case, case_id)
        if case is None or case.reporter != user.username:
            raise NotFound(Localized(da="sagen", en="case"))
        event_type = await session.get(EventType, case.event_type)
        if event_type is None:
            raise NotFound(Localized(da="hændelsestypen", en="event type"))
        raw = _raw_of(form_fields(event_type.input_schema), case.data)
    token = uuid.uuid4().hex
    await portal.save_draft(
        sessions=sessions, reporter=user.username, token=token, event_type=case.event_type, data=raw
    )
    return RedirectResponse(ui.path(f"drafts/{token}"), status_code=303)


def _raw_of(fields: list[FormField], data: dict[str, Any]) -> dict[str, str]:
    """Case data as the form's texts (a group's rows numbered from 1)."""

    def text(field: FormField, value: Any) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    raw: dict[str, str] = {}
    for field in fields:
        value = data.get(field.key)
        if value is None:
            continue
        if not field.is_group:
            raw[field.key] = text(field, value)
            continue
        rows = value if isinstance(value, list) else []
        for n, row in enumerate(rows, start=1):
            for sub in field.fields:
                if isinstance(row, dict) and row.get(sub.key) is not None:
                    raw[field.row_key(n, sub.key)] = text(sub, row[sub.key])
    return raw


# --- Moving dates -------------------------------------------------------------------------


def _date_fields(context: dict[str, Any]) -> list[FormField]:
    """The case's date fields that have a value: the ones that can be moved."""
    case: CasePublic = context["case"]
    fields: list[FormField] = context["fields"]
    return [f for f in fields if f.kind == "date" and f.key in case.data]


def _render_reschedule(
    request: Request,
    ui: WebUI,
    context: dict[str, Any],
    *,
    values: dict[str, str],
    reason: str = "",
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        **context,
        "date_fields": _date_fields(context),
        "values": values,
        "reason": reason,
        "errors": errors or {},
    }
    return ui.render(request, "portal/reschedule.html", context, status_code=422 if errors else 200)


@router.get("/cases/{case_id}/reschedule")
async def reschedule_page(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """The case's dates, ready to be changed."""
    context = await _case_context(
        request, user, case_id, sessions=sessions, outbox=outbox, planner=planner
    )
    case: CasePublic = context["case"]
    values = {f.key: str(case.data[f.key]) for f in _date_fields(context)}
    return _render_reschedule(request, ui, context, values=values)


@router.post("/cases/{case_id}/reschedule")
async def reschedule(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """Move dates: scheduled sub-cases move with them and open ones get new due dates; an
    invalid change is shown per field and changes nothing."""
    form = await request.form()
    context = await _case_context(
        request, user, case_id, sessions=sessions, outbox=outbox, planner=planner
    )
    case: CasePublic = context["case"]
    fields = _date_fields(context)
    values = {f.key: str(form.get(f.key) or "").strip() for f in fields}
    reason = str(form.get("reason") or "").strip()[:REASON_MAX]
    changed = {k: v for k, v in values.items() if v != str(case.data.get(k))}
    if not changed:
        errors = {"": NO_CHANGE.pick(language_of(request))}
        return _render_reschedule(request, ui, context, values=values, reason=reason, errors=errors)
    if form.get("action") == "preview":
        return await _preview_moves(
            request, ui, user, planner, context, values=values, reason=reason
        )
    try:
        async with sessions() as session, session.begin():
            await service.reschedule_case(
                session=session,
                outbox=outbox,
                viewer=user,
                case_id=case_id,
                change=CaseReschedule(data=changed, reason=reason),
                language=language_of(request),
            )
    except DomainError as problem:
        if problem.status != 422:
            raise
        errors = _field_errors(request, problem)
        return _render_reschedule(request, ui, context, values=values, reason=reason, errors=errors)
    return _see_case(ui, case_id, "rescheduled", "#timeline")


async def _preview_moves(
    request: Request,
    ui: WebUI,
    user: Principal,
    planner: CasePlanner,
    context: dict[str, Any],
    *,
    values: dict[str, str],
    reason: str,
) -> Response:
    """The reschedule form again, with what would move. The new dates are checked like the
    real change, so an invalid one is explained here already."""
    case: CasePublic = context["case"]
    new_data = {**case.data, **values}
    invalid = validate_case_data(context["schema"], new_data, language_of(request))
    if invalid:
        errors: dict[str, str] = {}
        for error in invalid:
            errors.setdefault(str(error["loc"][-1]), str(error["msg"]))
        return _render_reschedule(request, ui, context, values=values, reason=reason, errors=errors)
    plan = partial(
        planner.preview,
        token=session_token(request) or "",
        event_type=case.event_type,
        version=case.template_version,
        department=user.department,
    )
    try:
        found: list[Move] | None = moves(
            await plan(data=case.data),
            await plan(data=new_data),
            {s.activity: s.status for s in case.subcases},
        )
    except PreviewUnavailable:
        log.warning("reschedule preview unavailable", extra={"event_type": case.event_type})
        found = None
    context = {**context, "previewed": True, "moves": found}
    return _render_reschedule(request, ui, context, values=values, reason=reason)


def _field_errors(request: Request, problem: DomainError) -> dict[str, str]:
    """The first error of each field, or the problem's own text when no field is named."""
    errors: dict[str, str] = {}
    for error in problem.errors or []:
        errors.setdefault(str(error["loc"][-1]), str(error["msg"]))
    if not errors and problem.text:
        errors[""] = problem.text.pick(language_of(request))
    return errors


# --- Withdrawing --------------------------------------------------------------------------


@router.get("/cases/{case_id}/withdraw")
async def withdraw_page(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """Ask for the reason, and say what withdrawing does, before anything happens."""
    context = await _case_context(
        request, user, case_id, sessions=sessions, outbox=outbox, planner=planner
    )
    return ui.render(request, "portal/withdraw.html", {**context, "reason": "", "error": None})


@router.post("/cases/{case_id}/withdraw")
async def withdraw(
    case_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """Withdraw the case: open tasks are cancelled and finished ones get follow-ups."""
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    if not reason or len(reason) > REASON_MAX:
        context = await _case_context(
            request, user, case_id, sessions=sessions, outbox=outbox, planner=planner
        )
        error = (EMPTY_REASON if not reason else TOO_LONG).pick(language_of(request))
        return ui.render(
            request,
            "portal/withdraw.html",
            {**context, "reason": reason, "error": error},
            status_code=422,
        )
    async with sessions() as session, session.begin():
        await service.withdraw_case(
            session=session,
            outbox=outbox,
            viewer=user,
            case_id=case_id,
            withdrawal=CaseWithdraw(reason=reason),
        )
    return _see_case(ui, case_id, "withdrawn")
