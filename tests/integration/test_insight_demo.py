"""The demo history in a running system's insight database: the datasets show each month,
the automation report ranks the sub-case types by FTE with the robots' share, and generating
it again changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lifecase_embedded.system import EmbeddedSystem
from lifecase_insight.demo import load
from lifecase_insight.models import PROJECTION
from lifecase_platform.workdays import today_in_denmark
from tests.support import Api

pytestmark = pytest.mark.integration
INSIGHT = "/api/v1/insight"


async def _dataset(api: Api, name: str, **params: str) -> Any:
    response = await api.get(f"{INSIGHT}/{name}", as_="ada", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _snapshot(system: EmbeddedSystem) -> dict[str, list[tuple[Any, ...]]]:
    async with system.insight.app.state.sessions() as session:
        return {
            table.name: sorted(tuple(row) for row in (await session.execute(select(table))).all())
            for table in PROJECTION
        }


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """The calendar months from ``first`` to ``last``, each cut to that span."""
    spans, start = [], first
    while start <= last:
        following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        spans.append((start, min(following - timedelta(days=1), last)))
        start = following
    return spans


async def test_two_months_of_history_fill_the_datasets_and_a_second_run_adds_nothing(
    api: Api, system: EmbeddedSystem
) -> None:
    now = datetime.now(UTC)
    sessions = system.insight.app.state.sessions
    summary = await load(sessions, months=2, seed=11, now=now)
    assert summary.cases > 50 and summary.subcases > 3 * summary.cases

    for first, last in _months(summary.first_day, summary.last_day - timedelta(days=7)):
        period = {"from": first.isoformat(), "to": last.isoformat()}
        weeks = await _dataset(api, "throughput", **period)
        assert sum(r["subcases_resolved"] for r in weeks["rows"]) > 0, period
        sla = await _dataset(api, "sla-compliance", **period)
        assert sum(r["total"] for r in sla["rows"]) > 0, period
    whole = {"from": summary.first_day.isoformat(), "to": today_in_denmark().isoformat()}
    lead = await _dataset(api, "lead-time/life-events", **whole)
    assert {r["key"] for r in lead["rows"]} >= {"hiring", "termination"}
    accuracy = await _dataset(api, "routing-accuracy", **whole)
    assert 0 < accuracy["transfers"] < accuracy["routed"] * 0.15

    report = await _dataset(api, "automation", **whole)
    rows = report["rows"]
    ftes = [r["fte"] for r in rows]
    assert len(rows) >= 10 and None not in ftes
    assert ftes == sorted(ftes, reverse=True)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    share = {r["subcase_type"]: r["robot_share_pct"] for r in rows}
    assert share["payroll.setup"] > 0 and share["payroll.parental_leave_adjustment"] > 0
    assert share["hr.employment_contract"] == 0

    before = await _snapshot(system)
    again = await load(sessions, months=2, seed=11, now=now)
    assert again == summary
    assert await _snapshot(system) == before
