"""What the dashboard draws: the datasets of a window, and the shapes the charts need (the
template names them, in the reader's language, and draws them with ``charts``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_insight import datasets
from lifecase_insight.dashboard_ui.charts import Series
from lifecase_insight.datasets import Window
from lifecase_insight.schemas import (
    AutomationRow,
    LeadTimeRow,
    LeadTimes,
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
from lifecase_insight.views import _csv

MAX_LINES = 6  # queues drawn as lines; the table lists them all


@dataclass(frozen=True)
class QueueLines:
    days: list[date]
    queues: list[Series]


@dataclass(frozen=True)
class Overview:
    queue_depth: QueueDepth
    queue_lines: QueueLines
    sla: SlaCompliance
    routing: RoutingAccuracyReport
    lead_events: LeadTimes
    lead_types: LeadTimes
    throughput: Throughput
    waiting: ReportersWaiting


async def overview(*, session: AsyncSession, w: Window) -> Overview:
    depth = await datasets.queue_depth(session=session, w=w)
    return Overview(
        queue_depth=depth,
        queue_lines=queue_lines(depth.rows),
        sla=await datasets.sla_compliance(session=session, w=w),
        routing=await datasets.routing_accuracy(session=session, w=w),
        lead_events=await datasets.lead_time_by_life_event(session=session, w=w),
        lead_types=await datasets.lead_time_by_subcase_type(session=session, w=w),
        throughput=await datasets.throughput(session=session, w=w),
        waiting=await datasets.reporters_waiting(session=session, w=w),
    )


def queue_lines(rows: Sequence[QueueDepthPoint]) -> QueueLines:
    """One line per queue over the days, the deepest queues first."""
    days = sorted({r.day for r in rows})
    by_queue: dict[str, dict[date, int]] = defaultdict(dict)
    for r in rows:
        by_queue[r.queue][r.day] = by_queue[r.queue].get(r.day, 0) + r.depth
    ranked = sorted(by_queue, key=lambda q: (-max(by_queue[q].values()), q))[:MAX_LINES]
    return QueueLines(
        days=days,
        queues=[Series(q, [float(by_queue[q].get(d, 0)) for d in days]) for q in ranked],
    )


def column(rows: Sequence[BaseModel], name: str) -> list[float | None]:
    """One field of every row, as chart values."""
    return [getattr(row, name) for row in rows]


Download = Callable[[AsyncSession, Window, InsightSettings], Awaitable[Response]]


async def _queue_depth(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.queue_depth(session=s, w=w)
    return _csv(found.rows, QueueDepthPoint, "queue-depth")


async def _sla(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.sla_compliance(session=s, w=w)
    return _csv(found.rows, SlaRow, "sla-compliance")


async def _routing(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.routing_accuracy(session=s, w=w)
    return _csv(found.rows, RuleAccuracyRow, "routing-accuracy")


async def _lead_events(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.lead_time_by_life_event(session=s, w=w)
    return _csv(found.rows, LeadTimeRow, "lead-time-life-events")


async def _lead_types(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.lead_time_by_subcase_type(session=s, w=w)
    return _csv(found.rows, LeadTimeRow, "lead-time-subcase-types")


async def _throughput(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.throughput(session=s, w=w)
    return _csv(found.rows, ThroughputRow, "throughput")


async def _waiting(s: AsyncSession, w: Window, _: InsightSettings) -> Response:
    found = await datasets.reporters_waiting(session=s, w=w)
    return _csv(found.rows, WaitingRow, "reporters-waiting")


async def _automation(s: AsyncSession, w: Window, settings: InsightSettings) -> Response:
    found = await datasets.automation(session=s, w=w, hours_per_fte=settings.hours_per_fte)
    return _csv(found.rows, AutomationRow, "automation-potential")


DATASETS: dict[str, Download] = {
    "queue-depth": _queue_depth,
    "sla-compliance": _sla,
    "routing-accuracy": _routing,
    "lead-time-life-events": _lead_events,
    "lead-time-subcase-types": _lead_types,
    "throughput": _throughput,
    "reporters-waiting": _waiting,
    "automation": _automation,
}
