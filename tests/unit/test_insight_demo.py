"""The demo history: reproducible, plausible in volume and timing, the whole catalogue, and
nothing personal."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from lifecase_contracts.events import (
    CaseSubmitted,
    Envelope,
    SubcaseClaimed,
    SubcaseOpened,
    SubcaseResolved,
    SubcaseRouted,
)
from lifecase_insight.demo import (
    CALENDAR,
    CATALOGUE,
    History,
    after_working_minutes,
    first_day,
    generate,
    in_one_sitting,
)
from lifecase_platform.workdays import DANISH_TIME

ROOT = Path(__file__).resolve().parents[2]
LIFECYCLE_CATALOGUE = ROOT / "services/lifecycle/src/lifecase_lifecycle/catalogue"
DEMO_USERS = ROOT / "infra/embedded/src/lifecase_embedded/demo/users.yaml"
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
CPR_LIKE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A general request has no unit of its own (the triage model or a caseworker picks its
# queue), so the demo, which routes each sub-case type to its unit, does not play it.
NOT_PLAYED = {"general_request"}


@cache
def _history(seed: int = 7, months: int = 6, now: datetime = NOW) -> History:
    return generate(months=months, seed=seed, now=now)


def _dumped(envelopes: list[Envelope[Any]]) -> list[str]:
    return [e.model_dump_json() for e in envelopes]


def test_the_same_seed_gives_the_same_events_and_another_seed_others() -> None:
    first = _history()
    again = generate(months=6, seed=7, now=NOW)
    assert _dumped(again.envelopes) == _dumped(first.envelopes)
    other = _history(seed=8)
    assert {e.id for e in other.envelopes}.isdisjoint({e.id for e in first.envelopes})


def test_a_later_run_keeps_the_earlier_events_and_adds_what_happened_since() -> None:
    earlier = _history(months=2).envelopes
    later = {
        e.id: e
        for e in generate(months=2, seed=7, now=datetime(2026, 5, 6, 12, tzinfo=UTC)).envelopes
    }
    both_windows = {
        e.data.case_id
        for e in earlier
        if isinstance(e.data, CaseSubmitted)
        and e.time.astimezone(DANISH_TIME).date() >= date(2026, 3, 6)
    }
    kept = [e for e in earlier if e.data.case_id in both_windows]
    assert kept
    assert all(later[e.id].model_dump_json() == e.model_dump_json() for e in kept if e.id in later)
    assert all(e.id in later for e in kept)
    assert max(e.time for e in later.values()) > NOW


def test_events_are_in_time_order_and_none_lies_after_now() -> None:
    times = [e.time for e in _history().envelopes]
    assert times == sorted(times)
    assert times[-1] <= NOW


def test_monthly_volumes_are_tens_of_cases_a_week() -> None:
    history = _history()
    filed = Counter(
        e.time.astimezone(DANISH_TIME).strftime("%Y-%m")
        for e in history.envelopes
        if isinstance(e.data, CaseSubmitted)
    )
    full_months = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    for month in full_months:
        assert 100 <= filed[month] <= 300, (month, filed[month])
    summary = history.summary
    assert (summary.first_day, summary.last_day, summary.months) == (
        date(2025, 11, 4),
        date(2026, 5, 4),
        6,
    )
    assert summary.cases == sum(filed.values())
    assert 3.5 <= summary.subcases / summary.cases <= 5.5


def test_cases_are_filed_on_danish_working_days_in_working_hours() -> None:
    for e in _history().envelopes:
        if isinstance(e.data, CaseSubmitted):
            local = e.time.astimezone(DANISH_TIME)
            assert CALENDAR.is_working_day(local.date()), local
            assert 8 <= local.hour < 16, local


@cache
def _catalogue_types() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in LIFECYCLE_CATALOGUE.glob("*.yaml"):
        template = yaml.safe_load(path.read_text())
        if template["key"] in NOT_PLAYED:
            continue
        found[template["key"]] = {a["subcase_type"] for a in template["activities"]}
    return found


def test_every_life_event_and_sub_case_type_of_the_catalogue_is_played() -> None:
    assert _catalogue_types(), "no catalogue found"
    assert {e.key for e in CATALOGUE} == set(_catalogue_types())
    for event in CATALOGUE:
        assert {a.subcase_type for a in event.activities} == _catalogue_types()[event.key]
    envelopes = _history().envelopes
    filed = {e.data.event_type for e in envelopes if isinstance(e.data, CaseSubmitted)}
    assert filed == set(_catalogue_types())
    opened = {e.data.subcase_type for e in envelopes if isinstance(e.data, SubcaseOpened)}
    assert opened == set().union(*_catalogue_types().values())


def test_robots_resolve_only_the_rule_bound_types_and_some_items_are_transferred() -> None:
    envelopes = _history().envelopes
    robot_types = {a.subcase_type for e in CATALOGUE for a in e.activities if a.robot_share}
    types = {
        e.data.subcase_id: e.data.subcase_type
        for e in envelopes
        if isinstance(e.data, SubcaseOpened)
    }
    by_robot = {
        types[e.data.subcase_id]
        for e in envelopes
        if isinstance(e.data, SubcaseResolved) and e.data.resolved_by_robot
    }
    assert by_robot == robot_types
    routings = Counter(e.data.subcase_id for e in envelopes if isinstance(e.data, SubcaseRouted))
    transferred = sum(1 for n in routings.values() if n > 1) / len(routings)
    assert 0.04 <= transferred <= 0.10


def test_nothing_personal_is_in_the_events() -> None:
    text = UUID.sub("<id>", "\n".join(_dumped(_history().envelopes)))
    assert not CPR_LIKE.search(text)
    names = [u["name"] for u in yaml.safe_load(DEMO_USERS.read_text())["users"]]
    assert not [n for n in names if n in text]


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        # Friday 15:00 + 2 hours: Monday 09:00.
        (datetime(2026, 3, 6, 15, 0), 120, datetime(2026, 3, 9, 9, 0)),
        # Before the working day: counted from 08:00.
        (datetime(2026, 3, 9, 5, 30), 30, datetime(2026, 3, 9, 8, 30)),
        # Maundy Thursday to Easter Monday are holidays in 2026.
        (datetime(2026, 4, 1, 15, 30), 60, datetime(2026, 4, 7, 8, 30)),
    ],
)
def test_working_minutes_skip_nights_weekends_and_holidays(
    start: datetime, minutes: float, expected: datetime
) -> None:
    moment = after_working_minutes(start.replace(tzinfo=DANISH_TIME), minutes)
    assert moment == expected.replace(tzinfo=DANISH_TIME)


def test_first_day_goes_back_whole_months() -> None:
    assert first_day(date(2026, 5, 4), 6) == date(2025, 11, 4)
    assert first_day(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_every_resolution_follows_a_claim_and_a_person_works_in_one_sitting() -> None:
    claimed: dict[str, datetime] = {}
    minutes: list[float] = []
    for e in _history().envelopes:
        if isinstance(e.data, SubcaseClaimed):
            claimed[e.data.subcase_id] = e.time
        elif isinstance(e.data, SubcaseResolved):
            assert e.data.subcase_id in claimed
            if not e.data.resolved_by_robot:
                minutes.append((e.time - claimed[e.data.subcase_id]).total_seconds() / 60)
    minutes.sort()
    assert 20 <= minutes[len(minutes) // 2] <= 180  # a realistic median, not queue time


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        # Fits before 16:00: at once.
        (datetime(2026, 3, 9, 10, 0), 60, datetime(2026, 3, 9, 10, 0)),
        # Friday 15:30 and an hour's work: Monday morning.
        (datetime(2026, 3, 6, 15, 30), 60, datetime(2026, 3, 9, 8, 0)),
        # Saturday: Monday morning.
        (datetime(2026, 3, 7, 11, 0), 30, datetime(2026, 3, 9, 8, 0)),
    ],
)
def test_work_starts_when_it_fits_in_one_working_day(
    start: datetime, minutes: float, expected: datetime
) -> None:
    moment = in_one_sitting(start.replace(tzinfo=DANISH_TIME), minutes)
    assert moment == expected.replace(tzinfo=DANISH_TIME)
