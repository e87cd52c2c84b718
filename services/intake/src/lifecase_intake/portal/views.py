"""The reporter portal's pages. Thin, like the API's views: read the request, call intake's
service functions, render. Form values travel only in POST bodies, never in URLs."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from lifecase_contracts.api import EventTypePublic
from lifecase_contracts.events import Localized
from lifecase_intake import service
from lifecase_intake.deps import PlannerDep
from lifecase_intake.duplicates import duplicate_warnings
from lifecase_intake.portal import service as portal
from lifecase_intake.portal.csvfile import read_csv, template_csv
from lifecase_intake.portal.forms import (
    FormField,
    check,
    filled_rows,
    form_fields,
    notice_warnings,
    row_numbers,
    rows_shown,
)
from lifecase_intake.portal.preview import CasePlanner, PreviewUnavailable
from lifecase_intake.portal.triage import (
    GENERAL_REQUEST,
    TEXT_LIMIT,
    Suggestions,
    TriageDep,
    TriageUnavailable,
    prefill,
    prefilled,
)
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.deps import OutboxDep, SessionsDep, WebUIDep
from lifecase_platform.errors import BadRequest, Conflict
from lifecase_platform.ratelimit import limited_page
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.i18n import language_of
from lifecase_platform.webui.session import session_token
from lifecase_platform.workdays import today_in_denmark

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
TOKEN = re.compile(r"^[0-9a-f]{32}$")
CASE_STATUSES = ("submitted", "in_progress", "completed", "withdrawn", "failed")
BULK_CHUNK = 5  # rows per request while a batch is submitted, so the progress bar moves
WAITING_SHOWN = 10  # cases waiting for the reporter listed on the start page
NO_DESCRIPTION = Localized(
    da="Skriv med et par ord, hvad der er sket.", en="Write in a few words what happened."
)
LONG_DESCRIPTION = Localized(
    da=f"Skriv højst {TEXT_LIMIT} tegn.", en=f"Write at most {TEXT_LIMIT} characters."
)
NO_CSV = Localized(
    da="Denne hændelse kan ikke indsendes fra en CSV-fil, fordi formularen har felter, der "
    "kan gentages (fx flere perioder). Brug formularen.",
    en="This life event cannot be filed from a CSV file, because its form has fields that "
    "repeat (such as several periods). Use the form.",
)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def _event_type(sessions: SessionFactory, key: str) -> EventTypePublic:
    async with sessions() as session:
        return await portal.event_type(session=session, key=key)


# --- Start page ---------------------------------------------------------------------------


@router.get("/")
async def start(request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep) -> Response:
    """The cases that wait for the reporter's answer, the life events they can file, and
    the drafts they saved."""
    async with sessions() as session:
        types = await service.event_types(session=session)
        drafts = await portal.list_drafts(session=session, reporter=user.username)
        asked = await portal.waiting_for_reporter(session=session, reporter=user.username)
        newest = sorted(asked, key=asked.__getitem__, reverse=True)[:WAITING_SHOWN]
        waiting = await portal.cases_by_id(session=session, case_ids=newest)
    waiting.sort(key=lambda c: asked[c.id], reverse=True)
    titles = {t.key: t.title for t in types}
    bulk = {t.key for t in types if _csv_possible(t)}
    return ui.render(
        request,
        "portal/start.html",
        {
            "event_types": types,
            "drafts": drafts,
            "titles": titles,
            "bulk": bulk,
            "waiting": waiting,
            "summaries": {t.key: _summary_fields(t) for t in types},
        },
    )


# --- Describe what happened ---------------------------------------------------------------


@router.post("/describe", dependencies=[Depends(limited_page("filing"))])
async def describe(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep, triage: TriageDep
) -> Response:
    """The life events a reporter's own words may describe, best first, why, and what their
    forms would open with; a general request is always offered. Suggesting files nothing.
    A POST, because the text may name people."""
    form = await request.form()
    text = str(form.get("text") or "").strip()
    lang = language_of(request)
    async with sessions() as session:
        types = await service.event_types(session=session)
    context: dict[str, Any] = {
        "text": text,
        "error": None,
        "unavailable": False,
        "answer": None,
        "suggestions": [],
        "event_types": types,
        "general": next((t for t in types if t.key == GENERAL_REQUEST), None),
    }
    if not text or len(text) > TEXT_LIMIT:
        context["error"] = (NO_DESCRIPTION if not text else LONG_DESCRIPTION).pick(lang)
        return ui.render(request, "portal/describe.html", context, status_code=422)
    try:
        answer = await triage.suggest(token=session_token(request) or "", text=text, language=lang)
    except TriageUnavailable:
        return ui.render(request, "portal/describe.html", {**context, "unavailable": True})
    context.update(answer=answer, suggestions=_suggested(answer, types))
    return ui.render(request, "portal/describe.html", context)


def _suggested(answer: Suggestions, types: list[EventTypePublic]) -> list[dict[str, Any]]:
    """The suggested life events the portal offers (the general request is offered apart),
    each with the values its form would open with."""
    by_key = {t.key: t for t in types}
    result = []
    for suggestion in answer.life_events:
        et = by_key.get(suggestion.key)
        if et is None or et.key == GENERAL_REQUEST:
            continue
        fields = form_fields(et.input_schema)
        values = prefill(fields, suggestion.fields)
        result.append(
            {
                "event_type": et,
                "percent": round(suggestion.probability * 100),
                "likely": suggestion.probability >= answer.threshold,
                "words": suggestion.words,
                "form_values": values,
                "prefilled": prefilled(fields, values),
            }
        )
    return result


@router.post("/describe/use", dependencies=[Depends(limited_page("filing"))])
async def use_suggestion(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """Open the chosen life event's form with the suggested values, kept as a draft of the
    reporter's: nothing is filed until they submit the form."""
    form = await request.form()
    et = await _event_type(sessions, str(form.get("event_type") or ""))
    token = uuid.uuid4().hex
    await portal.save_draft(
        sessions=sessions,
        reporter=user.username,
        token=token,
        event_type=et.key,
        data={k: v for k, v in _raw_values(form_fields(et.input_schema), form).items() if v},
    )
    return _see_other(ui.path(f"drafts/{token}"))


# --- The form -----------------------------------------------------------------------------


def _raw_values(fields: list[FormField], form: FormData) -> dict[str, str]:
    """The posted text of every field, and of every sub-field of every row of a group that
    the form had (``leave_periods-2-end``); an unticked checkbox is "false"."""
    raw: dict[str, str] = {}

    def read(field: FormField, key: str) -> None:
        value = form.get(key)
        if field.kind == "boolean":
            raw[key] = "true" if value == "true" else "false"
        else:
            raw[key] = value if isinstance(value, str) else ""

    for field in fields:
        if not field.is_group:
            read(field, field.key)
            continue
        for n in row_numbers(field, form.keys()):
            for sub in field.fields:
                read(sub, field.row_key(n, sub.key))
    return raw


def _groups(fields: list[FormField]) -> list[FormField]:
    return [f for f in fields if f.is_group]


def _render_form(
    request: Request,
    ui: WebUI,
    user: Principal,
    event_type: EventTypePublic,
    *,
    token: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    draft: bool = False,
    notice: str | None = None,
    adding: str | None = None,
) -> HTMLResponse:
    """The form with ``values``; ``adding`` names a group the person asked one more row of
    (focus then moves to that row)."""
    fields = form_fields(event_type.input_schema)
    for field in fields:
        if field.kind == "department" and not values.get(field.key) and user.department:
            values[field.key] = user.department
    rows = {f.key: rows_shown(f, values, add=f.key == adding) for f in _groups(fields)}
    focus = None
    for group in _groups(fields):
        if group.key == adding and group.fields and rows[group.key] > rows_shown(group, values):
            focus = group.row_key(rows[group.key], group.fields[0].key)
    return ui.render(
        request,
        "portal/form.html",
        {
            "event_type": event_type,
            "fields": fields,
            "values": values,
            "rows": rows,
            "focus": focus,
            "errors": errors or {},
            "token": token,
            "draft": draft,
            "notice": notice,
        },
        status_code=422 if errors else 200,
    )


@router.get("/file/{event_type}")
async def new_form(
    event_type: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """An empty form for a life event; its token makes every submit of it one case."""
    et = await _event_type(sessions, event_type)
    return _render_form(request, ui, user, et, token=uuid.uuid4().hex, values={})


@router.get("/drafts/{token}")
async def open_draft(
    token: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    async with sessions() as session:
        draft = await portal.get_draft(session=session, reporter=user.username, token=token)
    et = await _event_type(sessions, draft.event_type)
    saved = request.query_params.get("saved") == "1"
    return _render_form(
        request,
        ui,
        user,
        et,
        token=token,
        values={k: str(v) for k, v in draft.data.items()},
        draft=True,
        notice="saved" if saved else None,
    )


@router.post("/file/{event_type}", dependencies=[Depends(limited_page("filing"))])
async def file_case(
    event_type: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
    planner: PlannerDep,
) -> Response:
    """Save the form as a draft, preview what the case will become, go back to editing, or
    submit it: invalid fields come back with their errors; a valid form becomes one case,
    however many times it is posted."""
    form = await request.form()
    token = str(form.get("form_token") or "")
    if not TOKEN.match(token):
        raise BadRequest(Localized(da="Formularen er udløbet.", en="The form has expired."))
    et = await _event_type(sessions, event_type)
    fields = form_fields(et.input_schema)
    raw = _raw_values(fields, form)
    if form.get("action") == "save":
        await portal.save_draft(
            sessions=sessions,
            reporter=user.username,
            token=token,
            event_type=et.key,
            data=raw,
        )
        return _see_other(ui.path(f"drafts/{token}?saved=1"))
    action = str(form.get("action") or "")
    if action.startswith("add:"):
        # "Add a period": the same form with one more row of that group, and no errors yet.
        return _render_form(request, ui, user, et, token=token, values=raw, adding=action[4:])
    lang = language_of(request)
    data, errors = check(et.input_schema, fields, raw, lang)
    if errors or form.get("action") == "edit":
        return _render_form(request, ui, user, et, token=token, values=raw, errors=errors)
    if form.get("action") == "preview":
        async with sessions() as session:
            duplicates = await duplicate_warnings(
                session=session,
                reporter=user.username,
                event_type=et.key,
                input_schema=et.input_schema,
                data=data,
            )
        return await _render_preview(
            request,
            ui,
            user,
            planner,
            et,
            token=token,
            raw=raw,
            data=data,
            duplicates=[d.pick(lang) for d in duplicates],
        )
    try:
        case = await portal.submit_form(
            sessions=sessions,
            outbox=outbox,
            reporter=user,
            event_type=et.key,
            data=data,
            token=token,
            language=lang,
        )
    except Conflict:
        return ui.render(request, "portal/already_submitted.html", status_code=409)
    return _see_other(ui.path(f"cases/{case.id}"))


async def _render_preview(
    request: Request,
    ui: WebUI,
    user: Principal,
    planner: CasePlanner,
    event_type: EventTypePublic,
    *,
    token: str,
    raw: dict[str, str],
    data: dict[str, Any],
    duplicates: list[str],
) -> Response:
    """Which units receive which tasks, by which dates, seeing which fields, and a warning
    for each date nearer than its minimum notice (it may still be submitted); the values
    ride along in hidden inputs (a POST body, never a URL) to be submitted from here."""
    try:
        tasks = await planner.preview(
            token=session_token(request) or "",
            event_type=event_type.key,
            version=event_type.version,
            data=data,
            department=user.department,
        )
    except PreviewUnavailable:
        log.warning("case preview unavailable", extra={"event_type": event_type.key})
        tasks = None
    fields = form_fields(event_type.input_schema)
    return ui.render(
        request,
        "portal/preview.html",
        {
            "event_type": event_type,
            "fields": fields,
            "data": data,
            "carried": _carried(fields, raw, data),
            "token": token,
            "tasks": tasks,
            "warnings": notice_warnings(fields, data, today_in_denmark(), language_of(request)),
            "duplicates": duplicates,
        },
    )


def _carried(fields: list[FormField], raw: dict[str, str], data: dict[str, Any]) -> dict[str, str]:
    """The form values the preview sends on: those of the fields that apply, with a group's
    rows numbered anew without the blank ones (as the case data lists them)."""
    carried = {}
    for field in fields:
        if field.key not in data:
            continue
        if not field.is_group:
            carried[field.key] = raw[field.key]
            continue
        for n, filled in enumerate(filled_rows(field, raw), start=1):
            for sub in field.fields:
                value = raw.get(field.row_key(filled, sub.key), "")
                carried[field.row_key(n, sub.key)] = value
    return carried


@router.post("/drafts/{token}/delete")
async def delete_draft(token: str, user: PageUser, ui: WebUIDep, sessions: SessionsDep) -> Response:
    await portal.delete_draft(sessions=sessions, reporter=user.username, token=token)
    return _see_other(ui.path(""))


# --- Cases --------------------------------------------------------------------------------


async def _my_cases(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    filters: dict[str, str],
) -> Response:
    async with sessions() as session:
        cases = await portal.my_cases(session=session, reporter=user.username, **filters)
        types = await service.event_types(session=session)
        waiting = set(await portal.waiting_for_reporter(session=session, reporter=user.username))
    context = {
        # What waits for the reporter first; otherwise newest first, as found.
        "cases": sorted(cases, key=lambda c: c.id not in waiting),
        "waiting": waiting,
        "filters": filters,
        "statuses": CASE_STATUSES,
        "event_types": types,
        "titles": {t.key: t.title for t in types},
        "summaries": {t.key: _summary_fields(t) for t in types},
    }
    template = "portal/_case_list.html" if _htmx(request) else "portal/cases.html"
    return ui.render(request, template, context)


def _summary_fields(event_type: EventTypePublic) -> list[str]:
    """The first two text fields of a life event name a case in a list (e.g. who is hired)."""
    return [f.key for f in form_fields(event_type.input_schema) if f.kind == "text"][:2]


@router.get("/cases")
async def my_cases(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """The reporter's cases, newest first."""
    return await _my_cases(
        request, user, ui, sessions, {"text": "", "status": "", "event_type": ""}
    )


@router.post("/cases", dependencies=[Depends(limited_page("search"))])
async def search_my_cases(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """Search and filter the reporter's cases. A POST, because the search text may be a name
    or a CPR number, which must not end up in URLs, browser history or access logs."""
    form = await request.form()
    filters = {
        "text": str(form.get("text") or "")[:200],
        "status": str(form.get("status") or ""),
        "event_type": str(form.get("event_type") or ""),
    }
    if filters["status"] not in ("", *CASE_STATUSES):
        filters["status"] = ""
    return await _my_cases(request, user, ui, sessions, filters)


# --- Bulk upload --------------------------------------------------------------------------


def _csv_possible(event_type: EventTypePublic) -> bool:
    """A CSV row is one flat set of values: a life event with repeatable groups (several
    leave periods) is filed with the form only."""
    return not _groups(form_fields(event_type.input_schema))


async def _csv_event_type(sessions: SessionFactory, key: str) -> EventTypePublic:
    et = await _event_type(sessions, key)
    if not _csv_possible(et):
        raise BadRequest(NO_CSV)
    return et


@router.get("/bulk/{event_type}")
async def bulk_page(
    event_type: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    et = await _csv_event_type(sessions, event_type)
    return ui.render(
        request,
        "portal/bulk.html",
        {"event_type": et, "fields": form_fields(et.input_schema), "report": None},
    )


@router.get("/bulk/{event_type}/template.csv")
async def bulk_template(event_type: str, user: PageUser, sessions: SessionsDep) -> Response:
    et = await _csv_event_type(sessions, event_type)
    return Response(
        "\ufeff" + template_csv(form_fields(et.input_schema)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{et.key}.csv"'},
    )


@router.post("/bulk/{event_type}", dependencies=[Depends(limited_page("filing"))])
async def bulk_upload(
    event_type: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    file: UploadFile | None = None,
) -> Response:
    """Check every row of an uploaded CSV. Only a file whose every row is valid is kept for
    submitting; otherwise the report names each bad row and nothing is submitted."""
    et = await _csv_event_type(sessions, event_type)
    fields = form_fields(et.input_schema)
    raw = await file.read() if file is not None else b""
    report = read_csv(raw, et.input_schema, fields, language_of(request))
    if not report.valid:
        return ui.render(
            request,
            "portal/bulk.html",
            {
                "event_type": et,
                "fields": fields,
                "report": report,
                "file_name": file and file.filename,
            },
            status_code=422,
        )
    batch_id = await portal.create_batch(
        sessions=sessions,
        reporter=user.username,
        event_type=et.key,
        file_name=(file.filename if file is not None else None) or "upload.csv",
        rows=[(row.line, row.data) for row in report.rows],
    )
    return _see_other(ui.path(f"bulk/batches/{batch_id}"))


async def _batch_context(
    sessions: SessionFactory, user: Principal, batch_id: str
) -> dict[str, Any]:
    async with sessions() as session:
        batch = await portal.get_batch(session=session, reporter=user.username, batch_id=batch_id)
        et = await portal.event_type(session=session, key=batch.event_type)
    submitted = sum(1 for r in batch.rows if r["case_id"])
    failed = sum(1 for r in batch.rows if r.get("error"))
    return {
        "batch": batch,
        "event_type": et,
        "fields": form_fields(et.input_schema),
        "summary_fields": _summary_fields(et),
        "total": len(batch.rows),
        "submitted": submitted,
        "failed": failed,
        "finished": submitted + failed == len(batch.rows),
    }


@router.get("/bulk/batches/{batch_id}")
async def batch_page(
    batch_id: str, request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    context = await _batch_context(sessions, user, batch_id)
    return ui.render(request, "portal/batch.html", {**context, "running": False})


@router.post("/bulk/batches/{batch_id}/submit", dependencies=[Depends(limited_page("filing"))])
async def submit_batch(
    batch_id: str,
    request: Request,
    user: PageUser,
    ui: WebUIDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> Response:
    """Submit the next rows. htmx asks again after each chunk, moving the progress bar;
    without JavaScript, every row is submitted in this one request."""
    await portal.submit_batch_rows(
        sessions=sessions,
        outbox=outbox,
        reporter=user,
        batch_id=batch_id,
        limit=BULK_CHUNK if _htmx(request) else portal.SEARCH_WINDOW,
        language=language_of(request),
    )
    if not _htmx(request):
        return _see_other(ui.path(f"bulk/batches/{batch_id}"))
    context = await _batch_context(sessions, user, batch_id)
    return ui.render(request, "portal/_progress.html", {**context, "running": True})
