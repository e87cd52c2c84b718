"""The insight datasets' arithmetic and the automation-potential report, by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lifecase_insight import calculations as calc
from lifecase_insight.automation import Resolution, automation_potential, months_in


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert calc.median([]) is None
    assert calc.median([5.0]) == 5.0
    assert calc.median([1.0, 3.0, 2.0, 4.0]) == 2.5
    # Ten values 1..10: rank (10-1) * 0.9 = 8.1, so 9 + 0.1 * (10 - 9).
    assert calc.percentile([float(v) for v in range(10, 0, -1)], 90) == pytest.approx(9.1)


def test_first_time_right_counts_sub_cases_never_transferred_per_rule() -> None:
    report = calc.routing_accuracy([("hr", 0), ("hr", 2), ("payroll", 0), ("fallback", 1)])
    rows = {r.rule: r for r in report.rows}
    assert (rows["hr"].routed, rows["hr"].first_time_right, rows["hr"].transfers) == (2, 1, 2)
    assert rows["hr"].first_time_right_pct == 50.0
    assert (report.routed, report.first_time_right, report.transfers) == (4, 2, 3)
    assert calc.routing_accuracy([]).first_time_right_pct is None


def test_sla_states_are_breached_before_due_soon_before_on_time() -> None:
    rows = calc.sla_compliance(
        [
            calc.SlaFact("hr", "hr.contract", due_soon=False, breached=False),
            calc.SlaFact("hr", "hr.contract", due_soon=True, breached=False),
            calc.SlaFact("hr", "hr.contract", due_soon=True, breached=True),
        ]
    )
    assert [(r.on_time, r.due_soon, r.breached, r.total) for r in rows] == [(1, 1, 1, 3)]
    assert rows[0].on_time_pct == 33.3


def test_throughput_buckets_by_danish_iso_week_including_empty_weeks() -> None:
    # Sunday 23:30 UTC on 2026-03-01 is Monday 00:30 in Denmark: the next week.
    late_sunday = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    monday = datetime(2026, 2, 23, 9, tzinfo=UTC)
    rows = calc.throughput(
        [late_sunday], [monday, late_sunday], date(2026, 2, 23), date(2026, 3, 15)
    )
    assert [(r.week, r.cases_completed, r.subcases_resolved) for r in rows] == [
        ("2026-W09", 0, 1),
        ("2026-W10", 1, 1),
        ("2026-W11", 0, 0),
    ]
    assert rows[0].week_start == date(2026, 2, 23)


def test_queue_depth_counts_what_is_in_the_queue_at_the_end_of_each_day() -> None:
    noon = datetime(2026, 4, 6, 10, tzinfo=UTC)  # Monday noon in Denmark
    stays = [
        calc.Stay("hr", "hr", noon, noon + timedelta(days=1)),
        calc.Stay("hr", "hr", noon - timedelta(days=3), None),
    ]
    points = calc.queue_depth(stays, date(2026, 4, 5), date(2026, 4, 8))
    assert [(p.day.day, p.depth) for p in points] == [(5, 1), (6, 2), (7, 1), (8, 1)]


def test_lead_times_are_in_days_per_key() -> None:
    day = 86_400.0
    rows = calc.lead_times([("hiring", 2 * day), ("hiring", 4 * day), ("leave", day)])
    assert [(r.key, r.count, r.median_days) for r in rows] == [
        ("hiring", 2, 3.0),
        ("leave", 1, 1.0),
    ]


def test_reporters_waiting_per_unit_with_the_oldest() -> None:
    now = datetime(2026, 4, 10, tzinfo=UTC)
    rows = calc.reporters_waiting([("hr", now - timedelta(days=2)), ("hr", now)], now)
    assert [(r.unit, r.waiting, r.median_days, r.oldest_days) for r in rows] == [
        ("hr", 2, 1.0, 2.0)
    ]


def test_automation_potential_matches_a_hand_calculation_for_payroll_setup() -> None:
    """payroll.setup over a 6-month period: 60 resolutions, 15 of them by the robot.

    volume/month = 60 / 6                          = 10
    median minutes of the 45 human resolutions     = 40 (22 at 30, 1 at 40, 22 at 50: the 23rd)
    hours/year   = 10 × 12 × 40 / 60               = 80
    FTE          = 80 / 1628                       = 0.0491… → 0.05
    robot share  = 15 / 60                         = 25 %

    hr.contract (3 human resolutions of 600 minutes): 0.5/month × 12 × 600 / 60 = 60 h, 0.04
    FTE: ranked after payroll.setup. it.equipment has an override of 120 minutes and 12
    resolutions (2/month): 2 × 12 × 120 / 60 = 48 h.
    """
    payroll = (
        [Resolution("payroll.setup", False, 30.0)] * 22
        + [Resolution("payroll.setup", False, 40.0)]
        + [Resolution("payroll.setup", False, 50.0)] * 22
        + [Resolution("payroll.setup", True, 1.0)] * 15
    )
    hr = [Resolution("hr.contract", False, 600.0)] * 3
    it = [Resolution("it.equipment", False, None)] * 12
    rows = automation_potential(
        payroll + hr + it, months=6.0, overrides={"it.equipment": 120.0}, hours_per_fte=1628.0
    )
    assert [r.subcase_type for r in rows] == ["payroll.setup", "hr.contract", "it.equipment"]
    first = rows[0]
    assert first.rank == 1
    assert first.volume_per_month == 10.0
    assert first.median_handling_minutes == 40.0
    assert first.hours_per_year == 80.0
    assert first.fte == pytest.approx(round(80 / 1628, 2))
    assert first.robot_share_pct == 25.0
    assert rows[1].hours_per_year == 60.0
    assert (rows[2].minutes_used, rows[2].hours_per_year, rows[2].median_handling_minutes) == (
        120.0,
        48.0,
        None,
    )


def test_a_type_without_a_measure_or_override_ranks_last_without_hours() -> None:
    rows = automation_potential(
        [Resolution("robots.only", True, 5.0), Resolution("x.y", False, 60.0)],
        months=1.0,
        overrides={},
    )
    assert [(r.subcase_type, r.hours_per_year) for r in rows] == [
        ("x.y", 12.0),
        ("robots.only", None),
    ]
    assert rows[1].robot_share_pct == 100.0


def test_a_year_is_twelve_average_months() -> None:
    assert months_in(365) == pytest.approx(11.99, abs=0.01)


def test_handling_runs_from_the_last_claim_less_the_waiting_after_it() -> None:
    """Entered the queue 08:00, waited 1800 s for the reporter before the claim, claimed
    10:00, asked at 10:20 and waited 3600 s more, resolved 12:00:

    from the claim  = 12:00 − 10:00 − (5400 − 1800) s = 7200 − 3600 = 3600 s (60 minutes)
    from the queue  = 12:00 − 08:00 − 5400 s          = 14400 − 5400 = 9000 s (fallback)
    """
    day = datetime(2026, 3, 9, tzinfo=UTC)
    at = {h: day + timedelta(hours=h) for h in (8, 10, 12)}
    claimed = calc.handling(
        resolved_at=at[12],
        claimed_at=at[10],
        entered_queue_at=at[8],
        waited=5400.0,
        waited_before_claim=1800.0,
    )
    assert claimed == calc.Handling(3600.0, from_claim=True)
    unclaimed = calc.handling(
        resolved_at=at[12],
        claimed_at=None,
        entered_queue_at=at[8],
        waited=5400.0,
        waited_before_claim=0.0,
    )
    assert unclaimed == calc.Handling(9000.0, from_claim=False)
    nothing = calc.handling(
        resolved_at=at[12],
        claimed_at=None,
        entered_queue_at=None,
        waited=0.0,
        waited_before_claim=0.0,
    )
    assert nothing == calc.Handling(None, from_claim=False)


def test_the_report_counts_the_resolutions_measured_from_the_queue() -> None:
    rows = automation_potential(
        [
            Resolution("x.y", False, 30.0),
            Resolution("x.y", False, 50.0, from_claim=False),
            Resolution("x.y", False, 40.0),
            Resolution("x.y", True, 1.0, from_claim=False),  # a robot's: not in the median
        ],
        months=1.0,
        overrides={},
    )
    assert (rows[0].median_handling_minutes, rows[0].measured_from_queue) == (40.0, 1)
