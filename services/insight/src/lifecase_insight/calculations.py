"""The datasets' arithmetic, pure (no I/O): percentiles, the queue-depth sweep, SLA
compliance, routing accuracy, lead times, weekly throughput and waiting reporters. The
queries in ``lifecase_insight.datasets`` hand rows in; the unit tests check these directly."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lifecase_insight.schemas import (
    LeadTimeRow,
    QueueDepthPoint,
    RoutingAccuracy,
    RuleAccuracyRow,
    SlaRow,
    ThroughputRow,
    WaitingRow,
)

DANISH = ZoneInfo("Europe/Copenhagen")
DAY_SECONDS = 86_400.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation between the closest ranks (as
    spreadsheets' PERCENTILE.INC and numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def day_start(day: date) -> datetime:
    """Midnight starting ``day`` in Denmark, the day the numbers are counted by."""
    return datetime.combine(day, time(), tzinfo=DANISH)


def danish_day(moment: datetime) -> date:
    return moment.astimezone(DANISH).date()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class Stay:
    queue: str
    unit: str
    entered_at: datetime
    left_at: datetime | None


def queue_depth(stays: Iterable[Stay], first: date, last: date) -> list[QueueDepthPoint]:
    """Per queue and day, the sub-cases in the queue at the end of the day (Danish time):
    a sweep over the stays' entries and exits, one pass per queue."""
    by_queue: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    for stay in stays:
        changes = by_queue[(stay.queue, stay.unit)]
        changes.append((stay.entered_at, 1))
        if stay.left_at is not None:
            changes.append((stay.left_at, -1))
    points: list[QueueDepthPoint] = []
    for (queue, unit), changes in sorted(by_queue.items()):
        changes.sort()
        depth, i = 0, 0
        for day in days(first, last):
            end = day_start(day + timedelta(days=1))
            while i < len(changes) and changes[i][0] < end:
                depth += changes[i][1]
                i += 1
            points.append(QueueDepthPoint(day=day, queue=queue, unit=unit, depth=depth))
    return points


@dataclass(frozen=True)
class SlaFact:
    unit: str
    subcase_type: str
    due_soon: bool
    breached: bool


def sla_compliance(facts: Iterable[SlaFact]) -> list[SlaRow]:
    """Per unit and sub-case type: sub-cases never warned (on time), warned but not past due
    (due soon), past due (breached)."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for fact in facts:
        state = "breached" if fact.breached else "due_soon" if fact.due_soon else "on_time"
        counts[(fact.unit, fact.subcase_type)][state] += 1
    rows = []
    for (unit, subcase_type), c in sorted(counts.items()):
        total = c["on_time"] + c["due_soon"] + c["breached"]
        rows.append(
            SlaRow(
                unit=unit,
                subcase_type=subcase_type,
                on_time=c["on_time"],
                due_soon=c["due_soon"],
                breached=c["breached"],
                total=total,
                on_time_pct=_pct(c["on_time"], total),
            )
        )
    return rows


def routing_accuracy(routed: Iterable[tuple[str, int]]) -> RoutingAccuracy:
    """From (first rule, transfers) per routed sub-case: per rule, how many it routed, how
    many stayed where it sent them (first time right) and the transfers that followed."""
    per_rule: dict[str, list[int]] = defaultdict(list)
    for rule, transfers in routed:
        per_rule[rule].append(transfers)
    rows = [
        RuleAccuracyRow(
            rule=rule,
            routed=len(t),
            first_time_right=sum(1 for n in t if n == 0),
            transfers=sum(t),
            first_time_right_pct=_pct(sum(1 for n in t if n == 0), len(t)),
        )
        for rule, t in sorted(per_rule.items())
    ]
    routed_total = sum(r.routed for r in rows)
    right = sum(r.first_time_right for r in rows)
    return RoutingAccuracy(
        routed=routed_total,
        first_time_right=right,
        first_time_right_pct=_pct(right, routed_total),
        transfers=sum(r.transfers for r in rows),
        rows=rows,
    )


def lead_times(durations: Iterable[tuple[str, float]]) -> list[LeadTimeRow]:
    """Per key (a life event or a sub-case type), from durations in seconds: the count and
    the median and 90th percentile in days."""
    by_key: dict[str, list[float]] = defaultdict(list)
    for key, seconds in durations:
        by_key[key].append(seconds / DAY_SECONDS)
    return [
        LeadTimeRow(
            key=key,
            count=len(values),
            median_days=_round(median(values)),
            p90_days=_round(percentile(values, 90)),
        )
        for key, values in sorted(by_key.items())
    ]


def week_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def throughput(
    completed: Iterable[datetime], resolved: Iterable[datetime], first: date, last: date
) -> list[ThroughputRow]:
    """Per ISO week of the period (every week, empty ones too): cases completed and
    sub-cases resolved, by the Danish day they happened."""
    cases = Counter(week_of(danish_day(m)) for m in completed)
    subcases = Counter(week_of(danish_day(m)) for m in resolved)
    rows, week = [], week_of(first)
    while week <= last:
        year, number, _ = week.isocalendar()
        rows.append(
            ThroughputRow(
                week=f"{year}-W{number:02d}",
                week_start=week,
                cases_completed=cases[week],
                subcases_resolved=subcases[week],
            )
        )
        week += timedelta(days=7)
    return rows


def reporters_waiting(since: Iterable[tuple[str, datetime]], now: datetime) -> list[WaitingRow]:
    """Per unit, from when each waiting reporter wrote: how many wait, and the median and
    longest wait in days."""
    ages: dict[str, list[float]] = defaultdict(list)
    for unit, wrote_at in since:
        ages[unit].append(max(0.0, (now - wrote_at).total_seconds()) / DAY_SECONDS)
    return [
        WaitingRow(
            unit=unit,
            waiting=len(values),
            median_days=_round(median(values)),
            oldest_days=_round(max(values)),
        )
        for unit, values in sorted(ages.items())
    ]


@dataclass(frozen=True)
class Handling:
    """A resolution's handling time in seconds, and whether it was measured from a claim."""

    seconds: float | None
    from_claim: bool


def handling(
    *,
    resolved_at: datetime,
    claimed_at: datetime | None,
    entered_queue_at: datetime | None,
    waited: float,
    waited_before_claim: float,
) -> Handling:
    """From the last claim to the resolution, less the seconds waited for the reporter after
    the claim (``waited`` in all, less ``waited_before_claim``). Without a claim, from
    entering the resolving queue, less all the waiting: that includes queue time (ADR 0030)."""
    if claimed_at is not None:
        worked = (resolved_at - claimed_at).total_seconds()
        return Handling(max(0.0, worked - max(0.0, waited - waited_before_claim)), True)
    if entered_queue_at is not None:
        worked = (resolved_at - entered_queue_at).total_seconds()
        return Handling(max(0.0, worked - waited), False)
    return Handling(None, False)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
