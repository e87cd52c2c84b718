"""The dashboard pages. Thin: read the filters, find the reader's scope (as the API does),
read the datasets, draw them; the CSV downloads write the API's CSV rows."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_insight import datasets
from lifecase_insight.access import EVERYTHING, LEAD, LeadUnitsDep, NotAReader, Scope
from lifecase_insight.dashboard_ui import plots
from lifecase_insight.dashboard_ui.charts import Draw
from lifecase_insight.datasets import Window
from lifecase_insight.models import CaseFact, QueueStay, SubcaseFact
from lifecase_insight.views import KEY, TYPE_KEY, Filters, SettingsDep, window
from lifecase_platform.deps import SessionsDep, WebUIDep
from lifecase_platform.errors import Invalid, NotFound, field_error
from lifecase_platform.webui import PageUser
from lifecase_platform.webui.i18n import BABEL_LOCALES, language_of
from lifecase_platform.webui.session import session_token

router = APIRouter(include_in_schema=False)
OVERVIEW_DAYS = 90
AUTOMATION_DAYS = 365
BAD_FILTER = Localized(da="Filteret er ugyldigt.", en="The filter is not valid.")


class PageFilters(BaseModel):
    """The filter form's fields as typed (empty fields are absent)."""

    first: date | None = None
    last: date | None = None
    unit: str | None = None
    event_type: str | None = None

    def query(self, w: Window) -> dict[str, str]:
        """The filters of ``w`` as query parameters (the period always spelt out)."""
        found = {"from": w.first.isoformat(), "to": w.last.isoformat()}
        if self.unit:
            found["unit"] = self.unit
        if self.event_type:
            found["event_type"] = self.event_type
        return found


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise Invalid(
            BAD_FILTER, errors=[field_error(["query", name], "not a date", "date")]
        ) from error


def _key(value: str | None, name: str, pattern: str) -> str | None:
    if not value:
        return None
    if not re.fullmatch(pattern, value):
        raise Invalid(BAD_FILTER, errors=[field_error(["query", name], "not a key", "pattern")])
    return value


def page_filters(
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: Annotated[str | None, Query()] = None,
    unit: Annotated[str | None, Query()] = None,
    event_type: Annotated[str | None, Query()] = None,
) -> PageFilters:
    return PageFilters(
        first=_day(from_, "from"),
        last=_day(to, "to"),
        unit=_key(unit, "unit", KEY),
        event_type=_key(event_type, "event_type", TYPE_KEY),
    )


async def page_scope(request: Request, user: PageUser, leads: LeadUnitsDep) -> Scope:
    """The reader's scope, as the API finds it, or a 403 page."""
    if any(user.has(role) for role in EVERYTHING):
        return Scope(units=None)
    if user.has(LEAD):
        return Scope(units=await leads.of(user, session_token(request) or ""))
    raise NotAReader()


def _draw(request: Request) -> Draw:
    return Draw(BABEL_LOCALES[language_of(request)])


PageFiltersDep = Annotated[PageFilters, Depends(page_filters)]
PageScopeDep = Annotated[Scope, Depends(page_scope)]


def _window(f: PageFilters, scope: Scope, days: int) -> Window:
    api = Filters(first=f.first, last=f.last, unit=f.unit, event_type=f.event_type, csv=False)
    return window(api, scope.narrow(f.unit), default_days=days)


async def _options(session: AsyncSession, scope: Scope) -> dict[str, list[str]]:
    """The units and life events the filter form offers: what the projection knows, and of
    the units only those the reader sees."""
    if scope.units is not None:
        units = sorted(scope.units)
    else:
        found = await session.scalars(select(SubcaseFact.unit).distinct())
        stays = await session.scalars(select(QueueStay.unit).distinct())
        units = sorted({u for u in [*found, *stays] if u})
    events = await session.scalars(select(CaseFact.event_type).distinct())
    return {"units": units, "event_types": sorted(e for e in events if e)}


@router.get("/")
async def overview(
    request: Request, ui: WebUIDep, sessions: SessionsDep, f: PageFiltersDep, scope: PageScopeDep
) -> Response:
    """The six plots for the chosen period, unit and life event."""
    w = _window(f, scope, OVERVIEW_DAYS)
    async with sessions() as session:
        found = await plots.overview(session=session, w=w)
        options = await _options(session, scope)
    return ui.render(
        request,
        "insight/overview.html",
        {
            "plots": found,
            "filters": f,
            "w": w,
            "query": f.query(w),
            "draw": _draw(request),
            **options,
        },
    )


@router.get("/automation")
async def automation(
    request: Request,
    ui: WebUIDep,
    sessions: SessionsDep,
    f: PageFiltersDep,
    scope: PageScopeDep,
    settings: SettingsDep,
) -> Response:
    """The automation-potential report, for a steering group."""
    w = _window(f, scope, AUTOMATION_DAYS)
    async with sessions() as session:
        report = await datasets.automation(
            session=session, w=w, hours_per_fte=settings.hours_per_fte
        )
        options = await _options(session, scope)
    return ui.render(
        request,
        "insight/automation.html",
        {
            "report": report,
            "filters": f,
            "w": w,
            "query": f.query(w),
            "draw": _draw(request),
            **options,
        },
    )


@router.get("/csv/{name}")
async def download(
    name: str, sessions: SessionsDep, f: PageFiltersDep, scope: PageScopeDep, settings: SettingsDep
) -> Response:
    """A plot's rows as CSV, the same rows the API's ``?format=csv`` gives."""
    dataset = plots.DATASETS.get(name)
    if dataset is None:
        raise NotFound(Localized(da="datasættet", en="dataset"))
    w = _window(f, scope, AUTOMATION_DAYS if name == "automation" else OVERVIEW_DAYS)
    async with sessions() as session:
        return await dataset(session, w, settings)
