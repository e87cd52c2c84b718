"""Form values from free text: dates in Danish and English, and choice values."""

from __future__ import annotations

from datetime import date

import pytest

from lifecase_routing.triage import extract_fields

TODAY = date(2026, 12, 7)  # a Monday


@pytest.mark.parametrize(
    ("text", "life_event", "expected"),
    [
        (
            "hun skal på barsel fra 1. april",
            "parental_leave",
            {"leave_periods.0.start": "2027-04-01"},
        ),
        (
            "she starts maternity leave from April 1st",
            "parental_leave",
            {"leave_periods.0.start": "2027-04-01"},
        ),
        ("barsel fra 1st of April 2027", "parental_leave", {"leave_periods.0.start": "2027-04-01"}),
        ("Mette starter den 3/2", "hiring", {"start_date": "2027-02-03"}),
        ("starter 3/2-2028", "hiring", {"start_date": "2028-02-03"}),
        ("ny kollega starter 24. december", "hiring", {"start_date": "2026-12-24"}),
        ("ny kollega starter 1. december", "hiring", {"start_date": "2027-12-01"}),
        (
            "vi har en ny vikar i køkkenet på mandag",
            "hiring",
            {"start_date": "2026-12-14", "employment_type": "temporary"},
        ),
        (
            "starter torsdag, fastansat 32 timer",
            "hiring",
            {"start_date": "2026-12-10", "employment_type": "permanent", "weekly_hours": "32"},
        ),
        ("Peter stopper til nytår", "termination", {"last_working_day": "2026-12-31"}),
        (
            "Hanne går på pension med udgangen af januar",
            "termination",
            {"last_working_day": "2027-01-31", "reason": "retirement"},
        ),
        (
            "Søren har sagt op, sidste dag 15. februar",
            "termination",
            {"last_working_day": "2027-02-15", "reason": "resignation"},
        ),
        ("vi har afskediget Bo", "termination", {"reason": "dismissal"}),
        (
            "vikariatet udløber 30/6",
            "termination",
            {"last_working_day": "2027-06-30", "reason": "end_of_contract"},
        ),
        (
            "orlov fra 1. marts til 30. juni for at tage en uddannelse",
            "leave_of_absence",
            {"leave_start": "2027-03-01", "leave_end": "2027-06-30", "leave_type": "education"},
        ),
        (
            "plejeorlov fra 1. november til 31. januar",
            "leave_of_absence",
            {"leave_start": "2027-11-01", "leave_end": "2028-01-31", "leave_type": "care"},
        ),
        ("orlov uden løn i et år", "leave_of_absence", {"leave_type": "unpaid"}),
        (
            "unpaid leave from March 1 to June 30",
            "leave_of_absence",
            {"leave_start": "2027-03-01", "leave_end": "2027-06-30", "leave_type": "unpaid"},
        ),
        (
            "termin 3/5, barsel fra 1. april",
            "parental_leave",
            {"expected_birth_date": "2027-05-03", "leave_periods.0.start": "2027-04-01"},
        ),
        ("kan ikke logge på outlook", "general_request", {}),
        ("hun skal på barsel", "parental_leave", {}),
    ],
)
def test_extract_fields(text: str, life_event: str, expected: dict[str, str]) -> None:
    assert extract_fields(text, life_event=life_event, today=TODAY) == expected


def test_weekday_said_on_that_weekday_is_next_week() -> None:
    assert extract_fields("starter på mandag", life_event="hiring", today=TODAY) == {
        "start_date": "2026-12-14"
    }
    tuesday = date(2026, 12, 8)
    assert extract_fields("starter mandag", life_event="hiring", today=tuesday) == {
        "start_date": "2026-12-14"
    }
    assert extract_fields("starter onsdag i næste uge", life_event="hiring", today=tuesday) == {
        "start_date": "2026-12-16"
    }


def test_impossible_dates_are_left_out() -> None:
    assert extract_fields("starter 31/2", life_event="hiring", today=TODAY) == {}
    assert extract_fields("starter 45. marts", life_event="hiring", today=TODAY) == {}
