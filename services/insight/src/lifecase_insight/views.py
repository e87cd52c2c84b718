"""The insight API: the datasets (JSON, or CSV with ``?format=csv`` or ``Accept: text/csv``)
and the automation-potential report with its handling-time overrides."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from lifecase_contracts.api import Problem
from lifecase_contracts.events import Localized
from lifecase_insight import datasets
from lifecase_insight.access import AdminDep, ScopeDep
from lifecase_insight.datasets import Window
from lifecase_insight.schemas import (
    AutomationReport,
    AutomationRow,
    LeadTimeRow,
    LeadTimes,
    OverrideBody,
    OverridePublic,
    QueueDepth,
    QueueDepthPoint,
    ReportersWaiting,
    RoutingAccuracyReport,
    RuleAccuracyRow,
    SlaCompliance,
    SlaRow,
    Throughput,
    ThroughputRow,
    WaitingRow,
)
from lifecase_insight.settings import InsightSettings
from lifecase_platform.deps import SessionDep, TxSessionDep
from lifecase_platform.errors import Invalid, NotFound, field_error
from lifecase_platform.workdays import today_in_denmark

router = APIRouter(prefix="/api/v1/insight", tags=["insight"])
PROBLEM = {"model": Problem, "content": {"application/problem+json": {}}}
PROBLEMS: dict[int | str, dict[str, object]] = {
    401: PROBLEM,
    403: PROBLEM,
    422: PROBLEM,
    503: PROBLEM,
}
CSV: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The rows."}
}
MAX_DAYS = 3 * 366 + 1
KEY = r"^[a-z][a-z0-9_-]{0,62}$"
TYPE_KEY = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"


def _settings(request: Request) -> InsightSettings:
    found: InsightSettings = request.app.state.settings
    return found


SettingsDep = Annotated[InsightSettings, Depends(_settings)]


class Filters(BaseModel):
    first: date | None
    last: date | None
    unit: str | None
    event_type: str | None
    csv: bool


def filters(
    request: Request,
    from_: Annotated[
        date | None, Query(alias="from", description="First day (Danish time).")
    ] = None,
    to: Annotated[date | None, Query(description="Last day, included.")] = None,
    unit: Annotated[str | None, Query(pattern=KEY, description="One unit only.")] = None,
    event_type: Annotated[
        str | None, Query(pattern=TYPE_KEY, description="One life event only.")
    ] = None,
    format: Annotated[Literal["json", "csv"] | None, Query(description="csv: CSV rows.")] = None,
) -> Filters:
    wants_csv = format == "csv" or (
        format is None and "text/csv" in request.headers.get("accept", "")
    )
    return Filters(first=from_, last=to, unit=unit, event_type=event_type, csv=wants_csv)


FiltersDep = Annotated[Filters, Depends(filters)]


def window(f: Filters, scope_units: frozenset[str] | None, *, default_days: int) -> Window:
    """The period (default: the last ``default_days`` days up to today) and the units the
    caller sees, or 422 for a period that ends before it starts or spans too long."""
    last = f.last or today_in_denmark()
    first = f.first or last - timedelta(days=default_days - 1)
    if first > last:
        raise Invalid(
            Localized(
                da="Perioden slutter før den begynder.", en="The period ends before it begins."
            ),
            errors=[field_error(["query", "from"], "after to", "period")],
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(
            Localized(
                da="Perioden må højst være tre år.", en="The period may be three years at most."
            ),
            errors=[field_error(["query", "from"], "period too long", "period")],
        )
    return Window(first, last, scope_units, f.unit, f.event_type)


def _csv(rows: Sequence[BaseModel], row_type: type[BaseModel], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    fields = list(row_type.model_fields)
    writer.writerow(fields)
    for row in rows:
        values = row.model_dump(mode="json")
        writer.writerow(["" if values[k] is None else values[k] for k in fields])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/queue-depth", response_model=QueueDepth, responses={**PROBLEMS, **CSV})
async def queue_depth(scope: ScopeDep, f: FiltersDep, session: SessionDep) -> QueueDepth | Response:
    """Sub-cases in each queue at the end of each day of the period (default: 90 days)."""
    w = window(f, scope.narrow(f.unit), default_days=90)
    found = await datasets.queue_depth(session=session, w=w)
    return _csv(found.rows, QueueDepthPoint, "queue-depth") if f.csv else found


@router.get("/sla-compliance", response_model=SlaCompliance, responses={**PROBLEMS, **CSV})
async def sla_compliance(
    scope: ScopeDep, f: FiltersDep, session: SessionDep
) -> SlaCompliance | Response:
    """Sub-cases routed in the period, on time / due soon / breached, per unit and sub-case
    type (default: 90 days)."""
    w = window(f, scope.narrow(f.unit), default_days=90)
    found = await datasets.sla_compliance(session=session, w=w)
    return _csv(found.rows, SlaRow, "sla-compliance") if f.csv else found


@router.get(
    "/routing-accuracy", response_model=RoutingAccuracyReport, responses={**PROBLEMS, **CSV}
)
async def routing_accuracy(
    scope: ScopeDep, f: FiltersDep, session: SessionDep
) -> RoutingAccuracyReport | Response:
    """First-time-right share and transfers per routing rule, of the sub-cases first routed
    in the period (default: 90 days); the unit filter is the unit the rule chose."""
    w = window(f, scope.narrow(f.unit), default_days=90)
    found = await datasets.routing_accuracy(session=session, w=w)
    return _csv(found.rows, RuleAccuracyRow, "routing-accuracy") if f.csv else found


@router.get("/lead-time/life-events", response_model=LeadTimes, responses={**PROBLEMS, **CSV})
async def lead_time_by_life_event(
    scope: ScopeDep, f: FiltersDep, session: SessionDep
) -> LeadTimes | Response:
    """Days from filing to completion per life event, median and 90th percentile, of the
    cases completed in the period (default: 90 days)."""
    w = window(f, scope.narrow(f.unit), default_days=90)
    found = await datasets.lead_time_by_life_event(session=session, w=w)
    return _csv(found.rows, LeadTimeRow, "lead-time-life-events") if f.csv else found


@router.get("/lead-time/subcase-types", response_model=LeadTimes, responses={**PROBLEMS, **CSV})
async def lead_time_by_subcase_type(
    scope: ScopeDep, f: FiltersDep, session: SessionDep
) -> LeadTimes | Response:
    """Days from opening to resolution per sub-case type, median and 90th percentile, of
    the sub-cases resolved in the period (default: 90 days)."""
    w = window(f, scope.narrow(f.unit), default_days=90)
    found = await datasets.lead_time_by_subcase_type(session=session, w=w)
    return _csv(found.rows, LeadTimeRow, "lead-time-subcase-types") if f.csv else found


@router.get("/throughput", response_model=Throughput, responses={**PROBLEMS, **CSV})
async def throughput(scope: ScopeDep, f: FiltersDep, session: SessionDep) -> Throughput | Response:
    """Cases completed and sub-cases resolved per ISO week (default: 12 weeks)."""
    w = window(f, scope.narrow(f.unit), default_days=84)
    found = await datasets.throughput(session=session, w=w)
    return _csv(found.rows, ThroughputRow, "throughput") if f.csv else found


@router.get("/reporters-waiting", response_model=ReportersWaiting, responses={**PROBLEMS, **CSV})
async def reporters_waiting(
    scope: ScopeDep, f: FiltersDep, session: SessionDep
) -> ReportersWaiting | Response:
    """Reporters who wrote last on an open sub-case and wait for its unit, now: how many per
    unit and for how many days (the period does not apply)."""
    w = window(f, scope.narrow(f.unit), default_days=1)
    found = await datasets.reporters_waiting(session=session, w=w)
    return _csv(found.rows, WaitingRow, "reporters-waiting") if f.csv else found


@router.get("/automation", response_model=AutomationReport, responses={**PROBLEMS, **CSV})
async def automation(
    scope: ScopeDep, f: FiltersDep, session: SessionDep, settings: SettingsDep
) -> AutomationReport | Response:
    """Sub-case types ranked by the full-time equivalents their manual handling takes a
    year (volume per month × 12 × handling minutes / 60 / hours per FTE), with the share
    robots already resolve, from the sub-cases resolved in the period (default: 365 days)."""
    w = window(f, scope.narrow(f.unit), default_days=365)
    found = await datasets.automation(session=session, w=w, hours_per_fte=settings.hours_per_fte)
    return _csv(found.rows, AutomationRow, "automation-potential") if f.csv else found


SubcaseType = Annotated[str, Path(pattern=TYPE_KEY)]


@router.put(
    "/automation/overrides/{subcase_type}",
    responses={401: PROBLEM, 403: PROBLEM, 422: PROBLEM},
)
async def put_override(
    subcase_type: SubcaseType, body: OverrideBody, _: AdminDep, session: TxSessionDep
) -> OverridePublic:
    """Set a measured handling time for a sub-case type (administrators): the automation
    report uses it instead of the median from the events."""
    await datasets.set_override(session=session, subcase_type=subcase_type, minutes=body.minutes)
    return OverridePublic(subcase_type=subcase_type, minutes=body.minutes)


@router.delete(
    "/automation/overrides/{subcase_type}",
    status_code=204,
    responses={401: PROBLEM, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM},
)
async def delete_override(subcase_type: SubcaseType, _: AdminDep, session: TxSessionDep) -> None:
    """Remove a sub-case type's override: the report uses the median again (administrators)."""
    if not await datasets.remove_override(session=session, subcase_type=subcase_type):
        raise NotFound(Localized(da="tilsidesættelsen", en="override"))
