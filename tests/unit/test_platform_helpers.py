"""Helpers every service shares from ``lifecase_platform``: a stored time read as UTC, a form
field's label, and the one Danish time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from lifecase_contracts.events import Localized
from lifecase_lifecycle.activities import opening_moment
from lifecase_platform.case_data import field_label
from lifecase_platform.db import as_utc
from lifecase_platform.workdays import DANISH_TIME


def test_a_naive_stored_time_is_utc_and_an_aware_one_is_kept() -> None:
    assert as_utc(datetime(2026, 11, 20, 8, 30)) == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    aware = datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert as_utc(aware) is aware


def test_a_field_label_is_its_x_label_else_its_title_else_its_key_made_readable() -> None:
    schema = {
        "properties": {
            "start_date": {"x-label": {"da": "Første arbejdsdag", "en": "First working day"}},
            "leave_from": {"title": "Leave from"},
            "end_date": {"x-label": {"da": "Slutdato", "en": ""}},
        }
    }
    assert field_label(schema, "start_date") == Localized(
        da="Første arbejdsdag", en="First working day"
    )
    assert field_label(schema, "leave_from") == Localized(da="Leave from", en="Leave from")
    assert field_label(schema, "end_date") == Localized(da="End date", en="End date")
    assert field_label({}, "weekly_hours") == Localized(da="Weekly hours", en="Weekly hours")


def test_a_subcase_opens_at_danish_midnight() -> None:
    assert DANISH_TIME.key == "Europe/Copenhagen"
    assert opening_moment(date(2027, 1, 4)) == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
    assert opening_moment(date(2027, 7, 1)) == datetime(2027, 6, 30, 22, 0, tzinfo=UTC)
