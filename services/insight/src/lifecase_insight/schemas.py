"""The insight API's bodies. Every dataset is a list of flat rows (the CSV form writes the
same rows, one per line), so a page can draw a chart and a table from one answer."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class Period(BaseModel):
    """The period a dataset covers, both days included (Danish time)."""

    from_: date = Field(serialization_alias="from")
    to: date
    unit: str | None = None
    event_type: str | None = None


class QueueDepthPoint(BaseModel):
    day: date
    queue: str
    unit: str
    depth: int


class QueueDepth(BaseModel):
    """Sub-cases in each queue at the end of each day."""

    period: Period
    rows: list[QueueDepthPoint]


class SlaRow(BaseModel):
    unit: str
    subcase_type: str
    on_time: int
    due_soon: int
    breached: int
    total: int
    on_time_pct: float | None


class SlaCompliance(BaseModel):
    """Sub-cases routed in the period by how they fared against their due date: never warned
    (on time), warned as due soon, or past due (breached), per unit and sub-case type."""

    period: Period
    rows: list[SlaRow]


class RuleAccuracyRow(BaseModel):
    rule: str
    routed: int
    first_time_right: int
    transfers: int
    first_time_right_pct: float | None


class RoutingAccuracy(BaseModel):
    routed: int
    first_time_right: int
    first_time_right_pct: float | None
    transfers: int
    rows: list[RuleAccuracyRow]


class RoutingAccuracyReport(RoutingAccuracy):
    """Sub-cases first routed in the period: how many stayed in the queue their rule chose
    (first time right) and how many transfers followed, per rule (by its name)."""

    period: Period


class LeadTimeRow(BaseModel):
    key: str
    count: int
    median_days: float | None
    p90_days: float | None


class LeadTimes(BaseModel):
    """Days from start to end, median and 90th percentile: per life event from filing to
    completion, or per sub-case type from opening to resolution (closed in the period)."""

    period: Period
    by: str
    rows: list[LeadTimeRow]


class ThroughputRow(BaseModel):
    week: str
    week_start: date
    cases_completed: int
    subcases_resolved: int


class Throughput(BaseModel):
    """Cases completed and sub-cases resolved per ISO week."""

    period: Period
    rows: list[ThroughputRow]


class WaitingRow(BaseModel):
    unit: str
    waiting: int
    median_days: float | None
    oldest_days: float | None


class ReportersWaiting(BaseModel):
    """Open sub-cases whose reporter wrote last and waits for the unit to write back, now:
    how many per unit and how long they have waited."""

    rows: list[WaitingRow]


class AutomationRow(BaseModel):
    rank: int
    subcase_type: str
    resolved: int
    volume_per_month: float
    median_handling_minutes: float | None
    # Of the human resolutions measured, those without a claim in the projection, whose
    # minutes run from entering the resolving queue (so include queue time).
    measured_from_queue: int = 0
    override_minutes: float | None
    minutes_used: float | None
    hours_per_year: float | None
    fte: float | None
    robot_share_pct: float | None


class AutomationReport(BaseModel):
    """Sub-case types ranked by the full-time equivalents their manual handling takes."""

    period: Period
    months: float
    hours_per_fte: float
    rows: list[AutomationRow]


class OverrideBody(BaseModel):
    """A measured handling time for a sub-case type, in minutes."""

    minutes: float = Field(gt=0, le=10_000)


class OverridePublic(BaseModel):
    subcase_type: str
    minutes: float
