"""The template model: the catalogue is valid; bad templates are refused with what is wrong
and the line it stands on."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lifecase_lifecycle.templates import (
    InvalidTemplate,
    Template,
    due_date,
    load_catalogue,
    parse_template,
    plan,
    template_json_schema,
    to_yaml,
)
from lifecase_lifecycle.templates.expansion import expand

CATALOGUE = {t.key: t for t in load_catalogue()}
SCHEMA_DOC = Path(__file__).parents[2] / "docs" / "templates" / "template.schema.json"

BASE = """\
key: demo
title: {da: Demo, en: Demo}
description: {da: d, en: d}
fields:
  - key: name
    type: text
    label: {da: Navn, en: Name}
  - key: start_date
    type: date
    label: {da: Start, en: Start}
  - key: remote
    type: boolean
    label: {da: Hjemmearbejde, en: Remote}
activities:
  - key: contract
    subcase_type: hr.contract
    title: {da: Kontrakt, en: Contract}
    carries: [name]
  - key: payroll
    subcase_type: payroll.setup
    title: {da: Løn, en: Payroll}
    trigger: {after: [contract]}
"""


def _issues(text: str) -> list[str]:
    with pytest.raises(InvalidTemplate) as caught:
        parse_template(text)
    return [str(i) for i in caught.value.issues]


def test_the_catalogue_ships_the_four_life_events_and_the_general_request() -> None:
    assert set(CATALOGUE) == {
        "hiring",
        "termination",
        "leave_of_absence",
        "parental_leave",
        "general_request",
    }
    hiring = CATALOGUE["hiring"]
    assert len(hiring.activities) == 5
    assert len({a.unit_hint for a in hiring.activities}) == 4
    assert "cpr" not in hiring.activity("it_equipment").carries


def test_a_valid_template_parses() -> None:
    template = parse_template(BASE)
    assert [a.key for a in template.activities] == ["contract", "payroll"]


def test_an_unknown_carried_field_is_named_with_its_line() -> None:
    issues = _issues(BASE.replace("carries: [name]", "carries: [name, shoe_size]"))
    assert issues == ["line 18: activities.0.carries.1: unknown field 'shoe_size'"]


def test_a_cycle_is_refused() -> None:
    text = BASE.replace(
        "    carries: [name]\n", "    carries: [name]\n    trigger: {after: [payroll]}\n"
    )
    issues = _issues(text)
    assert "line 19: activities.0.trigger.after: cycle: contract → payroll → contract" in issues


def test_a_bad_expression_is_refused_with_its_line() -> None:
    text = BASE + "    when: 'remote &&& true'\n"
    [issue] = _issues(text)
    assert issue.startswith("line 23: activities.1.when: bad expression")
    assert "Syntax error" in issue


def test_an_expression_on_an_unknown_field_is_refused() -> None:
    [issue] = _issues(BASE + "    when: 'shoe_size > 42'\n")
    assert "unknown names: shoe_size" in issue


def test_an_activity_that_can_never_open_is_unreachable() -> None:
    text = (
        BASE.replace("    carries: [name]\n", "    carries: [name]\n    when: 'false'\n")
        + "  - key: welcome\n    subcase_type: f.w\n    title: {da: V, en: W}\n"
        "    trigger: {after: [ghost]}\n"
    )
    issues = _issues(text)
    assert any("activities.0.when: unreachable: the condition is always false" in i for i in issues)
    assert any("activities.2.trigger.after.0: unknown activity 'ghost'" in i for i in issues)


def test_a_date_trigger_needs_a_date_field() -> None:
    [issue] = _issues(
        BASE.replace("trigger: {after: [contract]}", "trigger: {date: {field: name, days: -14}}")
    )
    assert "activities.1.trigger.date.field: 'name' is not a date field" in issue


def test_a_type_error_is_reported_with_its_line() -> None:
    [issue] = _issues(BASE.replace("type: boolean", "type: colour"))
    assert issue.startswith("line 12: fields.2.type:")


def test_broken_yaml_is_reported() -> None:
    [issue] = _issues("key: [unclosed\n")
    assert "not valid YAML" in issue


def test_a_date_publishes_its_minimum_notice_for_forms_to_warn_about() -> None:
    template = parse_template(BASE.replace("type: date\n", "type: date\n    min_notice_days: 14\n"))
    schema = template.input_schema()
    assert schema["properties"]["start_date"]["x-min-notice-days"] == 14
    assert "x-min-notice-days" not in schema["properties"]["name"]
    assert "start_date" in schema["required"]  # a warning, never an extra rule
    hiring = CATALOGUE["hiring"].input_schema()["properties"]["start_date"]
    assert hiring["x-min-notice-days"] == 14


def test_a_minimum_notice_is_only_for_dates_and_within_a_year() -> None:
    [issue] = _issues(BASE.replace("type: boolean\n", "type: boolean\n    min_notice_days: 14\n"))
    assert issue == "line 11: fields.2: Value error, min_notice_days applies only to type 'date'"
    [issue] = _issues(BASE.replace("type: date\n", "type: date\n    min_notice_days: 366\n"))
    assert issue == "line 10: fields.1.min_notice_days: Input should be less than or equal to 365"
    [issue] = _issues(BASE.replace("type: date\n", "type: date\n    min_notice_days: -1\n"))
    assert "fields.1.min_notice_days: Input should be greater than or equal to 0" in issue


def test_a_template_round_trips_through_yaml() -> None:
    hiring = CATALOGUE["hiring"]
    assert parse_template(to_yaml(hiring)) == hiring


def test_conditions_decide_which_partner_subcases_a_parental_leave_needs() -> None:
    leave = CATALOGUE["parental_leave"]
    period = [{"start": "2027-03-01", "end": "2027-04-30"}]

    def included(data: dict[str, object]) -> set[str]:
        expanded, flat = expand(leave, {"leave_periods": period, **data})
        return {p.key for p in plan(expanded, flat) if p.included}

    without = included({"partner_employed": False})
    with_partner = included({"partner_employed": True, "partner_leave_periods": period})
    assert with_partner - without == {"partner_leave_periods_1", "partner_payroll_adjustment_1"}


def test_date_triggers_and_due_rules_follow_the_start_date() -> None:
    hiring = CATALOGUE["hiring"]
    planned = {p.key: p for p in plan(hiring, {"start_date": "2027-02-01"})}
    assert planned["welcome_package"].opens_on == date(2027, 1, 18)
    assert planned["employment_contract"].opens_on is None
    rule = hiring.activity("welcome_package").due
    assert due_date(rule, {"start_date": "2027-02-01"}, date(2027, 1, 18)) == date(2027, 1, 29)


def test_partner_fields_are_required_only_with_a_partner() -> None:
    schema = CATALOGUE["parental_leave"].input_schema()
    assert "partner_cpr" not in schema["required"]
    [rule] = [r for r in schema["allOf"] if "partner_cpr" in r["then"]["required"]]
    assert rule["if"]["properties"] == {"partner_employed": {"const": True}}


def test_the_published_template_schema_is_current() -> None:
    committed = json.loads(SCHEMA_DOC.read_text(encoding="utf-8"))
    assert committed == template_json_schema(), (
        "docs/templates/template.schema.json is stale: regenerate it with "
        "`.venv/bin/lifecase templates schema > docs/templates/template.schema.json`"
    )


def test_every_catalogue_template_is_valid_against_the_model() -> None:
    for template in CATALOGUE.values():
        assert Template.model_validate(template.model_dump(by_alias=True)) == template
