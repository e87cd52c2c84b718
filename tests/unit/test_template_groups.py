"""Repeatable groups: a template that opens an activity per row of a group (leave periods)
is refused at design time when it names rows where there are none, and expands for a case's
data into one activity per row, each with its own dates, fields and dependencies."""

from __future__ import annotations

from datetime import date

import pytest

from lifecase_lifecycle.templates import InvalidTemplate, due_date, parse_template, plan
from lifecase_lifecycle.templates.expansion import expand
from lifecase_platform.case_data import validate_case_data

PERIODS = """\
key: leave
title: {da: Orlov, en: Leave}
description: {da: Orlov i perioder, en: Leave in periods}
fields:
  - {key: name, type: text, label: {da: Navn, en: Name}, personal: true}
  - key: periods
    type: group
    label: {da: Perioder, en: Periods}
    item_label: {da: Periode, en: Period}
    max_items: 3
    fields:
      - {key: start, type: date, label: {da: Fra, en: From}}
      - {key: end, type: date, label: {da: Til, en: Until}, not_before: start}
activities:
  - key: register
    for_each: periods
    subcase_type: hr.leave_period
    title: {da: Registrering, en: Registration}
    carries: [name, periods.start, periods.end]
    trigger: {date: {field: periods.start, days: -14}}
    due: {working_days: -1, from: periods.start}
  - key: pay
    for_each: periods
    subcase_type: payroll.leave
    title: {da: Løn, en: Pay}
    trigger: {after: [register]}
  - key: archive
    subcase_type: hr.archive
    title: {da: Arkivering, en: Filing}
    trigger: {after: [register]}
on_withdraw:
  - key: undo_pay
    if_resolved: pay
    subcase_type: payroll.undo
    title: {da: Tilbagefør, en: Undo}
    carries: [periods.start]
"""
ROWS = [
    {"start": "2027-03-01", "end": "2027-04-30"},
    {"start": "2027-08-02", "end": "2027-09-30"},
]
TWO = {"name": "Sara", "periods": ROWS}


def test_each_row_opens_its_own_activities_with_its_own_dates_and_fields() -> None:
    template, data = expand(parse_template(PERIODS), TWO)
    planned = {p.key: p for p in plan(template, data)}
    assert list(planned) == ["register_1", "register_2", "pay_1", "pay_2", "archive"]
    assert planned["register_2"].opens_on == date(2027, 7, 19)
    assert planned["pay_2"].after == ("register_2",)
    assert planned["archive"].after == ("register_1", "register_2")
    second = template.activity("register_2")
    assert second.title.da == "Registrering (periode 2)"
    assert second.carries == ["name", "periods_2_start", "periods_2_end"]
    assert (data["periods_2_start"], data["periods_2_end"]) == ("2027-08-02", "2027-09-30")
    assert due_date(second.due, data, date(2027, 7, 19)) == date(2027, 7, 30)
    assert template.field("periods_2_end").label.en == "Until (period 2)"
    assert [f.key for f in template.on_withdraw] == ["undo_pay_1", "undo_pay_2"]
    assert template.follow_up("undo_pay_2").if_resolved == "pay_2"


def test_a_template_without_groups_is_left_as_it_is() -> None:
    plain = parse_template(PERIODS.split("  - key: periods")[0] + ACTIVITY_WITHOUT_ROWS)
    data = {"name": "Ib"}
    assert expand(plain, data) == (plain, data)


ACTIVITY_WITHOUT_ROWS = """\
activities:
  - {key: one, subcase_type: hr.one, title: {da: En, en: One}}
"""


def test_the_group_schema_refuses_an_end_before_its_start_and_too_many_rows() -> None:
    schema = parse_template(PERIODS).input_schema()
    wrong = {"name": "Sara", "periods": [{"start": "2027-03-01", "end": "2027-02-28"}]}
    [error] = validate_case_data(schema, wrong, "da")
    assert error["loc"] == ["body", "data", "periods", 0, "end"]
    assert error["msg"] == "Må ikke ligge før Fra."
    many = {"name": "Sara", "periods": ROWS * 2}
    assert [e["msg"] for e in validate_case_data(schema, many, "en")] == ["At most 3."]
    none = {"name": "Sara", "periods": []}
    assert [e["msg"] for e in validate_case_data(schema, none, "da")] == ["Udfyld mindst 1."]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("for_each: periods\n    subcase_type: hr", "for_each: weeks\n    subcase_type: hr"),
            "'weeks' is not a group field",
        ),
        (
            (
                "    trigger: {after: [register]}\n  - key: archive",
                "    carries: [periods.end]\n    trigger: {after: [register]}\n  - key: archive",
            ),
            None,
        ),
        (
            (
                "    title: {da: Arkivering, en: Filing}",
                "    title: {da: Arkivering, en: Filing}\n    carries: [periods.start]",
            ),
            "unknown field 'periods.start'",
        ),
        (
            ("not_before: start", "not_before: name"),
            "'name' is not another date field of the group",
        ),
        (
            (
                "    trigger: {after: [register]}\n  - key: archive",
                "    trigger: {after: [register]}\n    when: periods != null\n  - key: archive",
            ),
            "bad expression",
        ),
    ],
)
def test_rows_are_named_only_where_there_are_rows(
    change: tuple[str, str], message: str | None
) -> None:
    assert change[0] in PERIODS
    text = PERIODS.replace(change[0], change[1], 1)
    if message is None:  # a for_each activity may carry its row's fields
        parse_template(text)
        return
    with pytest.raises(InvalidTemplate) as refused:
        parse_template(text)
    assert any(message in issue.message for issue in refused.value.issues), refused.value
