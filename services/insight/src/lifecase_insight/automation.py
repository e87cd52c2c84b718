"""The automation-potential report, pure: per sub-case type, how much manual work its volume
takes a year, and how much of it robots already do.

For a type: ``volume/month`` = its resolutions in the period / the period's months;
``minutes`` = an administrator's override, else the median handling minutes of its human
resolutions (from the last claim to resolving, less waiting for the reporter after it; for a
resolution without a claim, from entering the resolving queue, counted in
``measured_from_queue``);
``hours/year`` = volume/month × 12 × minutes / 60; ``FTE`` = hours/year / hours per FTE;
``robot share`` = robot resolutions / all resolutions. Ranked by FTE, largest first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lifecase_insight.calculations import median
from lifecase_insight.schemas import AutomationRow

DEFAULT_HOURS_PER_FTE = 1628.0
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Resolution:
    subcase_type: str
    by_robot: bool
    handling_minutes: float | None  # None: not measurable (no routing in the projection)
    from_claim: bool = True  # False: measured from entering the queue (no claim seen)


def months_in(days: int) -> float:
    """A period of ``days`` days in average months (365.25 / 12 days each)."""
    return days / DAYS_PER_MONTH


def automation_potential(
    resolutions: Iterable[Resolution],
    *,
    months: float,
    overrides: Mapping[str, float],
    hours_per_fte: float = DEFAULT_HOURS_PER_FTE,
) -> list[AutomationRow]:
    by_type: dict[str, list[Resolution]] = defaultdict(list)
    for resolution in resolutions:
        by_type[resolution.subcase_type].append(resolution)
    rows = [
        _row(subcase_type, items, months, overrides.get(subcase_type), hours_per_fte)
        for subcase_type, items in by_type.items()
    ]
    rows.sort(key=lambda r: (-(r.fte or 0.0), -r.volume_per_month, r.subcase_type))
    return [row.model_copy(update={"rank": i}) for i, row in enumerate(rows, start=1)]


def _row(
    subcase_type: str,
    items: list[Resolution],
    months: float,
    override: float | None,
    hours_per_fte: float,
) -> AutomationRow:
    manual = [r for r in items if not r.by_robot and r.handling_minutes is not None]
    measured = median([r.handling_minutes for r in manual if r.handling_minutes is not None])
    minutes = override if override is not None else measured
    volume = len(items) / months if months > 0 else 0.0
    hours = None if minutes is None else volume * 12 * minutes / 60
    robots = sum(1 for r in items if r.by_robot)
    return AutomationRow(
        rank=0,
        subcase_type=subcase_type,
        resolved=len(items),
        volume_per_month=round(volume, 2),
        median_handling_minutes=None if measured is None else round(measured, 1),
        measured_from_queue=sum(1 for r in manual if not r.from_claim),
        override_minutes=override,
        minutes_used=None if minutes is None else round(minutes, 1),
        hours_per_year=None if hours is None else round(hours, 1),
        fte=None if hours is None else round(hours / hours_per_fte, 2),
        robot_share_pct=round(100 * robots / len(items), 1),
    )
