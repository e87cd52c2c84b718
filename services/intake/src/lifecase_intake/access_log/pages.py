"""The access log in the browser (``/portal/access-log``), for admins and auditors: search
by case, user, action and period, and export what was found as CSV. Searches are POSTs, so
what an auditor looks for stays out of URLs and browser history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from starlette.datastructures import FormData

from lifecase_intake.access_log import store
from lifecase_intake.access_log.store import AccessFilter
from lifecase_intake.models import Case
from lifecase_platform.access_log import ACTIONS
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.deps import SessionsDep, WebUIDep
from lifecase_platform.webui import PageUser, WebUI

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100
FIELDS = ("case_id", "actor", "action", "since", "until")


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filters(form: FormData | None) -> tuple[dict[str, str], AccessFilter]:
    """The form's values as typed (to show them again) and the filter they make; a value
    that is not a known action or a date is ignored rather than refused."""
    values = {name: str(form.get(name) or "").strip()[:100] if form else "" for name in FIELDS}
    since, until = _day(values["since"]), _day(values["until"])
    return values, AccessFilter(
        case_id=values["case_id"] or None,
        actor=values["actor"] or None,
        action=values["action"] if values["action"] in ACTIONS else None,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
    )


async def _page(
    request: Request,
    user: Principal,
    ui: WebUI,
    sessions: SessionFactory,
    form: FormData | None,
) -> Response:
    values, filters = _filters(form)
    async with sessions() as session:
        if filters.case_id and filters.case_id.upper().startswith("LC-"):
            # A case is searched for by the number people know it by, or by its id.
            found = await session.scalar(
                select(Case.id).where(Case.case_number == filters.case_id.upper())
            )
            filters = replace(filters, case_id=found or filters.case_id)
        records = await store.search(session=session, user=user, filters=filters, limit=PAGE_SIZE)
        ids = {r.case_id for r in records if r.case_id}
        rows = await session.execute(select(Case.id, Case.case_number).where(Case.id.in_(ids)))
        numbers = {case_id: number for case_id, number in rows.tuples() if number}
    context = {
        "records": records,
        "values": values,
        "actions": ACTIONS,
        "page_size": PAGE_SIZE,
        "numbers": numbers,
    }
    return ui.render(request, "portal/access_log.html", context)


@router.get("/access-log")
async def access_log_page(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    """The newest lines of the access log."""
    store.require_reader(user)
    return await _page(request, user, ui, sessions, None)


@router.post("/access-log")
async def search_access_log(
    request: Request, user: PageUser, ui: WebUIDep, sessions: SessionsDep
) -> Response:
    store.require_reader(user)
    return await _page(request, user, ui, sessions, await request.form())


@router.post("/access-log/export")
async def export_access_log(
    request: Request, user: PageUser, sessions: SessionsDep
) -> StreamingResponse:
    """Every line the search finds, as a CSV file."""
    store.require_reader(user)
    _, filters = _filters(await request.form())
    lines = store.export_csv(sessions=sessions, user=user, filters=filters)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="access-log.csv"'},
    )
