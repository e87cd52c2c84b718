"""The portal's form is generated from a template's input schema, reads what people type
(Danish decimal commas, ja/nej) and explains errors per field; a CSV upload is checked row by
row the same way."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from starlette.datastructures import FormData

from lifecase_contracts.events import Localized
from lifecase_intake.portal.csvfile import read_csv, template_csv
from lifecase_intake.portal.forms import (
    check,
    form_fields,
    notice_warnings,
    row_numbers,
    rows_shown,
)
from lifecase_intake.portal.preview import PlannedTask, moves
from lifecase_intake.portal.views import _raw_values
from lifecase_lifecycle.templates import load_catalogue

SCHEMA = next(t for t in load_catalogue() if t.key == "hiring").input_schema()
FIELDS = form_fields(SCHEMA)
VALID = {
    "employee_name": "Mette Hansen",
    "cpr": "010190-1234",
    "start_date": "2027-01-04",
    "position": "Pædagog",
    "department": "Solsikken",
    "employment_type": "permanent",
    "weekly_hours": "37,5",
    "needs_laptop": "true",
}


def test_each_field_gets_its_widget_type_and_danish_and_english_labels() -> None:
    kinds = {f.key: f.kind for f in FIELDS}
    assert kinds == {
        "employee_name": "text",
        "cpr": "cpr",
        "start_date": "date",
        "position": "text",
        "department": "department",
        "employment_type": "choice",
        "weekly_hours": "number",
        "needs_laptop": "boolean",
        "work_email": "email",
    }
    cpr = next(f for f in FIELDS if f.key == "cpr")
    assert (cpr.label.da, cpr.label.en) == ("CPR-nummer", "CPR number")
    choice = next(f for f in FIELDS if f.key == "employment_type")
    assert [(o.value, o.label.da) for o in choice.options] == [
        ("permanent", "Fastansat"),
        ("temporary", "Tidsbegrænset"),
    ]
    assert [f.key for f in FIELDS if not f.required] == ["needs_laptop", "work_email"]


def test_a_schema_without_form_annotations_still_gives_a_usable_form() -> None:
    plain = {
        "properties": {
            "when": {"type": "string", "format": "date", "title": "When"},
            "kind": {"type": "string", "enum": ["a", "b"], "title": "Kind"},
        },
        "required": ["when"],
    }
    when, kind = form_fields(plain)
    assert (when.kind, when.label.da, when.required) == ("date", "When", True)
    assert (kind.kind, [o.label.en for o in kind.options]) == ("choice", ["a", "b"])


def test_valid_values_become_typed_case_data() -> None:
    data, errors = check(SCHEMA, FIELDS, VALID, "da")
    assert errors == {}
    assert data["weekly_hours"] == 37.5
    assert data["needs_laptop"] is True
    assert "work_email" not in data  # left blank, and optional


def test_errors_are_one_clear_message_per_field_in_the_chosen_language() -> None:
    typed = {**VALID, "cpr": "320190-1234", "weekly_hours": "mange", "employee_name": " "}
    _, errors = check(SCHEMA, FIELDS, typed, "da")
    assert errors == {
        "cpr": "Ikke et gyldigt CPR-nummer.",
        "weekly_hours": "Skriv et tal, fx 37 eller 37,5.",
        "employee_name": "Feltet skal udfyldes.",
    }
    _, errors = check(SCHEMA, FIELDS, typed, "en")
    assert errors["cpr"] == "Not a valid CPR number."
    assert errors["weekly_hours"] == "Enter a number, for example 37 or 37,5."


def test_a_csv_from_a_danish_spreadsheet_is_read_with_labels_as_headings() -> None:
    text = (
        "Medarbejderens navn;CPR-nummer;Første arbejdsdag;Stillingsbetegnelse;Afdeling;"
        "Ansættelsesform;Ugentlige timer;Skal have bærbar computer\r\n"
        "Ida Sommer;010190-1234;2027-06-28;Vikar;Solsikken;temporary;30,5;ja\r\n"
        ";;;;;;;\r\n"
    )
    report = read_csv(text.encode("cp1252"), SCHEMA, FIELDS, "da")
    assert report.valid
    [row] = report.rows
    assert row.line == 2
    assert row.data["weekly_hours"] == 30.5
    assert row.data["needs_laptop"] is True


def test_a_csv_with_a_bad_row_names_that_row_and_is_not_valid() -> None:
    heading = template_csv(FIELDS).strip()
    good = "Ida;010190-1234;2027-06-28;Vikar;Solsikken;temporary;30;nej;"
    bad = "Jens;320190-1234;2027-06-28;Vikar;Solsikken;temporary;30;måske;"
    raw = "\ufeff" + "\r\n".join([heading, good, bad, good]) + "\r\n"
    report = read_csv(raw.encode(), SCHEMA, FIELDS, "en")
    assert not report.valid
    [row] = report.invalid_rows
    assert row.line == 3
    assert row.errors == {"cpr": "Not a valid CPR number.", "needs_laptop": "Write yes or no."}


def test_a_csv_with_unknown_or_missing_columns_is_refused_as_a_whole() -> None:
    report = read_csv(b"employee_name,shoe_size\r\nIda,38\r\n", SCHEMA, FIELDS, "da")
    assert not report.valid
    assert report.problems[0] == "Ukendt kolonne: 'shoe_size'."
    assert report.problems[1].startswith("Disse påkrævede kolonner mangler: cpr,")
    assert read_csv(b"", SCHEMA, FIELDS, "en").problems == ["The file is empty."]


PARENTAL = next(t for t in load_catalogue() if t.key == "parental_leave").input_schema()
PARENTAL_FIELDS = form_fields(PARENTAL)
PARENTAL_VALID = {
    "employee_name": "Mette Hansen",
    "cpr": "010190-1234",
    "department": "Solsikken",
    "expected_birth_date": "2027-03-01",
    "leave_periods-1-start": "2027-02-15",
    "leave_periods-1-end": "2027-12-15",
}
PARTNER = {
    "partner_name": "Jonas Berg",
    "partner_cpr": "0202851234",
    "partner_department": "Vej og Park",
    "partner_leave_periods-1-start": "2027-03-01",
    "partner_leave_periods-1-end": "2027-05-01",
}
PARTNER_FIELDS = {"partner_name", "partner_cpr", "partner_department", "partner_leave_periods"}


def test_partner_fields_apply_only_when_the_partner_is_employed() -> None:
    conditions = {f.key: f.shown_if for f in PARENTAL_FIELDS if f.shown_if}
    assert set(conditions) == PARTNER_FIELDS
    condition = conditions["partner_name"]
    assert (condition.field, condition.equals, condition.value) == (
        "partner_employed",
        True,
        "true",
    )


def test_a_schema_without_x_shown_if_gives_the_condition_from_its_if_then_rule() -> None:
    plain = {
        key: {k: v for k, v in prop.items() if k != "x-shown-if"}
        for key, prop in PARENTAL["properties"].items()
    }
    fields = form_fields({**PARENTAL, "properties": plain})
    assert {f.key for f in fields if f.shown_if} == PARTNER_FIELDS


def test_partner_fields_are_required_when_ticked_and_dropped_when_not() -> None:
    ticked = {**PARENTAL_VALID, "partner_employed": "true"}
    _, errors = check(PARENTAL, PARENTAL_FIELDS, ticked, "en")
    assert set(errors) == PARTNER_FIELDS
    data, errors = check(PARENTAL, PARENTAL_FIELDS, {**ticked, **PARTNER}, "en")
    assert errors == {} and data["partner_name"] == "Jonas Berg"
    assert data["partner_leave_periods"] == [{"start": "2027-03-01", "end": "2027-05-01"}]

    unticked = {**PARENTAL_VALID, **PARTNER, "partner_cpr": "bad", "partner_employed": "false"}
    data, errors = check(PARENTAL, PARENTAL_FIELDS, unticked, "en")
    assert errors == {}
    assert not PARTNER_FIELDS & set(data)  # typed in, then unticked: neither checked nor kept


def test_a_conditional_field_is_marked_required_because_it_is_whenever_it_is_shown() -> None:
    assert all(f.required for f in PARENTAL_FIELDS if f.shown_if)


def test_moves_list_only_what_changes_for_tasks_that_can_still_change() -> None:
    def task(key: str, opens: int | None, due: int, included: bool = True) -> PlannedTask:
        return PlannedTask(
            key=key,
            title=Localized(da=key, en=key),
            included=included,
            opens_on=date(2027, 1, opens) if opens else None,
            waits_for=[],
            due_date=date(2027, 2, due),
            due_working_days=None,
            fields=[],
            unit_name=None,
            queue_name=None,
        )

    before = [task("a", 1, 1), task("b", 5, 5), task("c", 1, 1), task("d", 1, 1)]
    after = [task("a", 1, 1), task("b", 9, 9), task("c", 2, 2), task("d", 1, 1, included=False)]
    statuses = {"a": "routed", "b": "scheduled", "c": "resolved", "d": "routed"}
    found = {m.title.en: m for m in moves(before, after, statuses)}
    assert set(found) == {"b", "d"}  # a is unchanged, c is done
    assert found["b"].opens_on == (date(2027, 1, 5), date(2027, 1, 9))
    assert found["b"].due_date == (date(2027, 2, 5), date(2027, 2, 9))
    assert found["d"].dropped


# Repeatable groups: a template's leave periods are rows of the form, a list in the case data.
PERIOD = {
    "start": {
        "type": "string",
        "format": "date",
        "title": "From",
        "x-label": {"da": "Fra", "en": "From"},
        "x-type": "date",
        "x-personal": False,
    },
    "end": {
        "type": "string",
        "format": "date",
        "title": "Until (inclusive)",
        "x-label": {"da": "Til og med", "en": "Until (inclusive)"},
        "x-type": "date",
        "x-personal": False,
    },
    "hours": {"type": "number", "x-type": "number", "x-label": {"da": "Timer", "en": "Hours"}},
    "paid": {"type": "boolean", "x-type": "boolean", "x-label": {"da": "Med løn", "en": "Paid"}},
}


def group(label: str, **extra: object) -> dict[str, object]:
    return {
        "type": "array",
        "minItems": 1,
        "maxItems": 3,
        "title": label,
        "x-label": {"da": label, "en": label},
        "x-type": "group",
        "x-personal": False,
        "x-item-label": {"da": "Periode", "en": "Period"},
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": PERIOD,
            "required": ["start", "end"],
            "x-date-order": [
                {"field": "end", "not_before": "start", "label": {"da": "Fra", "en": "From"}}
            ],
        },
        **extra,
    }


GROUPS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "employee_name": {"type": "string", "minLength": 1, "x-type": "text"},
        "partner_employed": {"type": "boolean", "x-type": "boolean"},
        "leave_periods": group("Orlovsperioder"),
        "partner_leave_periods": group(
            "Partnerens orlovsperioder",
            **{"x-shown-if": {"field": "partner_employed", "equals": True}},
        ),
    },
    "required": ["employee_name", "leave_periods"],
    "allOf": [
        {
            "if": {
                "properties": {"partner_employed": {"const": True}},
                "required": ["partner_employed"],
            },
            "then": {"required": ["partner_leave_periods"]},
        }
    ],
}
GROUP_FIELDS = form_fields(GROUPS)
NAMED = {"employee_name": "Mette Hansen", "partner_employed": "false"}


def test_a_group_is_read_with_its_sub_fields_row_limits_and_item_label() -> None:
    periods = next(f for f in GROUP_FIELDS if f.key == "leave_periods")
    assert (periods.kind, periods.required, periods.min_items, periods.max_items) == (
        "group",
        True,
        1,
        3,
    )
    assert (periods.label.da, periods.item_label.da, periods.item_label.en) == (
        "Orlovsperioder",
        "Periode",
        "Period",
    )
    assert [(f.key, f.kind, f.label.da, f.required) for f in periods.fields] == [
        ("start", "date", "Fra", True),
        ("end", "date", "Til og med", True),
        ("hours", "number", "Timer", False),
        ("paid", "boolean", "Med løn", False),
    ]
    assert periods.row_key(2, "end") == "leave_periods-2-end"
    partner = next(f for f in GROUP_FIELDS if f.key == "partner_leave_periods")
    assert partner.shown_if is not None and partner.shown_if.field == "partner_employed"
    assert partner.required  # whenever it is shown


def test_rows_become_a_typed_list_without_the_rows_left_blank() -> None:
    raw = {
        **NAMED,
        "leave_periods-1-start": "2027-03-01",
        "leave_periods-1-end": "2027-04-30",
        "leave_periods-1-hours": "18,5",
        "leave_periods-1-paid": "true",
        "leave_periods-2-start": " ",
        "leave_periods-2-end": "",
        "leave_periods-2-paid": "false",  # an unticked box is nothing typed
        "leave_periods-3-start": "2027-08-01",
        "leave_periods-3-end": "2027-09-15",
        "leave_periods-3-paid": "false",
    }
    data, errors = check(GROUPS, GROUP_FIELDS, raw, "da")
    assert errors == {}
    assert data["leave_periods"] == [
        {"start": "2027-03-01", "end": "2027-04-30", "hours": 18.5, "paid": True},
        {"start": "2027-08-01", "end": "2027-09-15", "paid": False},
    ]
    assert "partner_leave_periods" not in data


def test_row_errors_are_keyed_by_the_input_of_the_row_the_person_sees() -> None:
    raw = {
        **NAMED,
        "leave_periods-1-start": "2027-03-01",
        "leave_periods-1-end": "2027-04-30",
        "leave_periods-1-hours": "mange",
        # Row 2 is blank: row 3 is the second row of the list validate_case_data checks.
        "leave_periods-3-start": "2027-08-01",
        "leave_periods-4-start": "2027-10-01",
        "leave_periods-4-end": "2027-10-31",
        "leave_periods-5-start": "2027-11-15",
        "leave_periods-5-end": "2027-11-01",
    }
    _, errors = check(GROUPS, GROUP_FIELDS, raw, "da")
    assert errors == {
        "leave_periods-1-hours": "Skriv et tal, fx 37 eller 37,5.",
        "leave_periods-3-end": "Feltet skal udfyldes.",
        "leave_periods-5-end": "Må ikke ligge før Fra.",
        "leave_periods": "Højst 3.",  # four rows: too many for the group as a whole
    }
    _, errors = check(GROUPS, GROUP_FIELDS, {**raw, "leave_periods-4-start": ""}, "en")
    assert errors["leave_periods-3-end"] == "This field is required."
    assert errors["leave_periods-5-end"] == "Must not be before From."


def test_a_group_with_only_blank_rows_is_missing_as_a_whole() -> None:
    raw = {**NAMED, "leave_periods-1-start": "", "leave_periods-1-end": ""}
    data, errors = check(GROUPS, GROUP_FIELDS, raw, "en")
    assert "leave_periods" not in data
    assert errors == {"leave_periods": "This field is required."}


def test_a_conditional_group_applies_only_when_its_condition_holds() -> None:
    valid = {**NAMED, "leave_periods-1-start": "2027-03-01", "leave_periods-1-end": "2027-04-30"}
    partner = {
        "partner_leave_periods-1-start": "2027-05-01",
        "partner_leave_periods-1-end": "2027-05-01x",
        "partner_leave_periods-1-hours": "nogle",
    }
    data, errors = check(GROUPS, GROUP_FIELDS, {**valid, **partner}, "da")
    assert (
        errors == {} and "partner_leave_periods" not in data
    )  # unticked: neither checked nor kept

    ticked = {**valid, "partner_employed": "true"}
    _, errors = check(GROUPS, GROUP_FIELDS, ticked, "da")
    assert errors == {"partner_leave_periods": "Feltet skal udfyldes."}
    _, errors = check(GROUPS, GROUP_FIELDS, {**ticked, **partner}, "da")
    assert errors == {
        "partner_leave_periods-1-end": "Ikke et gyldigt dato (ÅÅÅÅ-MM-DD, år 1900-2199).",
        "partner_leave_periods-1-hours": "Skriv et tal, fx 37 eller 37,5.",
    }


def test_the_form_shows_every_row_up_to_the_last_filled_in_and_one_more_when_asked() -> None:
    periods = next(f for f in GROUP_FIELDS if f.key == "leave_periods")
    assert rows_shown(periods, {}) == 1
    assert rows_shown(periods, {}, add=True) == 2
    filled = {"leave_periods-2-start": "2027-03-01", "leave_periods-1-paid": "false"}
    assert rows_shown(periods, filled) == 2
    assert rows_shown(periods, filled, add=True) == 3
    full = {**filled, "leave_periods-3-end": "2027-04-01"}
    assert rows_shown(periods, full, add=True) == 3  # at most three rows
    keys = ["leave_periods-2-end", "leave_periods-0-end", "leave_periods-1-shoe", "other-1-end"]
    assert row_numbers(periods, [*keys, "leave_periods-51-end", "leave_periods-1-start"]) == [1, 2]


def test_a_csv_template_has_no_column_for_a_group() -> None:
    assert template_csv(GROUP_FIELDS).strip() == "employee_name;partner_employed"


def test_the_shipped_parental_leave_names_the_period_whose_end_comes_before_its_start() -> None:
    periods = {
        "leave_periods-2-start": "2027-08-01",
        "leave_periods-2-end": "2027-09-15",
        "leave_periods-3-start": "2027-11-01",
        "leave_periods-3-end": "2027-10-01",
    }
    typed = {**PARENTAL_VALID, **periods, "partner_employed": "false"}
    _, errors = check(PARENTAL, PARENTAL_FIELDS, typed, "da")
    assert errors == {"leave_periods-3-end": "Må ikke ligge før Fra."}


def test_the_posted_form_gives_the_text_of_every_row_it_had() -> None:
    posted = FormData(
        [
            ("employee_name", "Mette"),
            ("leave_periods-1-start", "2027-03-01"),
            ("leave_periods-1-end", ""),
            ("leave_periods-2-start", ""),
            ("leave_periods-2-end", ""),
            ("leave_periods-9-start", "2027-09-01"),
            ("leave_periods-1-paid", "true"),
            ("leave_periods-x-end", "2027-01-01"),
        ]
    )
    raw = _raw_values(GROUP_FIELDS, posted)
    assert {k: v for k, v in raw.items() if k.startswith("leave_periods")} == {
        "leave_periods-1-start": "2027-03-01",
        "leave_periods-1-end": "",
        "leave_periods-1-hours": "",
        "leave_periods-1-paid": "true",
        "leave_periods-2-start": "",
        "leave_periods-2-end": "",
        "leave_periods-2-hours": "",
        "leave_periods-2-paid": "false",
        "leave_periods-9-start": "2027-09-01",
        "leave_periods-9-end": "",
        "leave_periods-9-hours": "",
        "leave_periods-9-paid": "false",
    }
    assert raw["partner_employed"] == "false"
    assert not any(k.startswith("partner_leave_periods") for k in raw)


# Minimum notice: a date nearer than its field's x-min-notice-days is warned about, not refused.
TODAY = date(2027, 1, 4)


def test_a_start_date_at_short_notice_is_warned_about_in_the_chosen_language() -> None:
    start = next(f for f in FIELDS if f.key == "start_date")
    assert start.min_notice_days == 14  # from the shipped hiring template
    data, errors = check(SCHEMA, FIELDS, {**VALID, "start_date": "2027-01-11"}, "da")
    assert errors == {}  # a late report may still be filed
    assert notice_warnings(FIELDS, data, TODAY, "da") == [
        "Første arbejdsdag er om 7 dage. Enhederne beder om mindst 14 dages varsel, så nogle "
        "opgaver kan blive forsinkede."
    ]
    assert notice_warnings(FIELDS, data, TODAY, "en") == [
        "First working day is in 7 days. The units ask for at least 14 days' notice, so some "
        "tasks may be late."
    ]


def test_enough_notice_gives_no_warning_and_today_tomorrow_and_the_past_are_named() -> None:
    def warning(start: str, language: str = "en") -> list[str]:
        return notice_warnings(FIELDS, {"start_date": start}, TODAY, language)

    assert warning("2027-01-18") == []  # exactly 14 days
    assert warning("2027-03-01") == []
    assert warning("2027-01-17")[0].startswith("First working day is in 13 days. ")
    assert warning("2027-01-05")[0].startswith("First working day is tomorrow. ")
    assert warning("2027-01-04")[0].startswith("First working day is today. ")
    assert warning("2027-01-03", "da")[0].startswith("Første arbejdsdag var i går. ")
    assert warning("2026-12-25", "da")[0].startswith("Første arbejdsdag var for 10 dage siden. ")
    assert warning("not a date") == []
    assert notice_warnings(FIELDS, {}, TODAY, "en") == []


def _noticed(days: int) -> dict[str, Any]:
    """GROUPS with a minimum notice on the periods' start and on a date beside them."""
    start = {**cast(dict[str, Any], PERIOD["start"]), "x-min-notice-days": days}
    rows: dict[str, Any] = group("Orlovsperioder")
    rows["items"] = {**rows["items"], "properties": {**PERIOD, "start": start}}
    shown_if = {"x-shown-if": {"field": "partner_employed", "equals": True}}
    decided = {
        "type": "string",
        "format": "date",
        "x-type": "date",
        "x-label": {"da": "Afgjort", "en": "Decided"},
        "x-min-notice-days": 0,
    }
    properties = {
        **cast(dict[str, Any], GROUPS["properties"]),
        "leave_periods": rows,
        "partner_leave_periods": {**rows, **shown_if},
        "decided": decided,
    }
    return {**GROUPS, "properties": properties}


def test_a_date_in_a_group_is_warned_about_with_the_row_it_stands_in() -> None:
    fields = form_fields(_noticed(7))
    periods = {
        "leave_periods": [
            {"start": "2027-02-01", "end": "2027-02-28"},
            {"start": "2027-01-07", "end": "2027-01-31"},
        ]
    }
    assert notice_warnings(fields, periods, TODAY, "da") == [
        "Fra (periode 2) er om 3 dage. Enhederne beder om mindst 7 dages varsel, så nogle "
        "opgaver kan blive forsinkede."
    ]
    [english] = notice_warnings(fields, periods, TODAY, "en")
    assert english.startswith("From (period 2) is in 3 days.")

    one_day = form_fields(_noticed(1))
    [warning] = notice_warnings(one_day, {"leave_periods": [{"start": "2027-01-04"}]}, TODAY, "en")
    assert warning == (
        "From (period 1) is today. The units ask for at least 1 day's notice, so some tasks "
        "may be late."
    )
    # No notice asked: only a date already passed is warned about.
    assert notice_warnings(fields, {"decided": "2027-01-04"}, TODAY, "en") == []
    assert notice_warnings(fields, {"decided": "2027-01-01"}, TODAY, "da") == [
        "Afgjort var for 3 dage siden. Nogle opgaver kan blive forsinkede."
    ]


def test_a_date_in_a_group_that_does_not_apply_is_not_warned_about() -> None:
    fields = form_fields(_noticed(7))
    partner = {"partner_leave_periods": [{"start": "2027-01-05", "end": "2027-01-31"}]}
    assert notice_warnings(fields, {**partner, "partner_employed": False}, TODAY, "en") == []
    [warning] = notice_warnings(fields, {**partner, "partner_employed": True}, TODAY, "en")
    assert warning.startswith("From (period 1) is tomorrow. ")


def test_a_text_field_tells_its_length_to_the_form() -> None:
    name = next(f for f in FIELDS if f.key == "employee_name")
    assert (name.kind, name.max_length) == ("text", 200)
