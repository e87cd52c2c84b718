"""The admin area's test run: the sample it starts from is valid for every catalogue
template, a valid sample is planned exactly as the workflow plans it, and a broken one is
refused with the problems named."""

from __future__ import annotations

import json
from datetime import date

import pytest

from lifecase_lifecycle.admin_ui.library import example_data, try_sample
from lifecase_lifecycle.preview import preview
from lifecase_lifecycle.templates import Template, load_catalogue
from lifecase_lifecycle.templates.expansion import expand

TODAY = date(2026, 12, 7)
CATALOGUE = {template.key: template for template in load_catalogue()}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_the_example_is_valid_and_plans_like_the_workflow(key: str) -> None:
    template = CATALOGUE[key]
    data = example_data(template, TODAY)
    result, errors = try_sample(template, json.dumps(data), today=TODAY, language="da")
    assert errors == []
    assert result == preview(template, data, TODAY)
    # One entry per activity the workflow would plan (repeatable groups: one per row).
    expanded, _ = expand(template, data)
    assert {a.key for a in result} == {a.key for a in expanded.activities}


def hiring() -> Template:
    return CATALOGUE["hiring"]


def test_a_sample_that_is_not_json_is_refused() -> None:
    result, errors = try_sample(hiring(), "{not json", today=TODAY, language="en")
    assert result == []
    assert [e["msg"] for e in errors] == ["The sample is not valid JSON."]


def test_a_sample_that_is_not_an_object_is_refused() -> None:
    _, errors = try_sample(hiring(), "[1, 2]", today=TODAY, language="da")
    assert [e["msg"] for e in errors] == [
        "Eksemplet skal være et JSON-objekt med felternes nøgler."
    ]


def test_a_value_that_breaks_the_form_is_named_by_its_field() -> None:
    data = {**example_data(hiring(), TODAY), "weekly_hours": "many"}
    _, errors = try_sample(hiring(), json.dumps(data), today=TODAY, language="en")
    assert [e["loc"] for e in errors] == [["body", "data", "weekly_hours"]]


def test_a_huge_sample_is_refused_before_it_is_parsed() -> None:
    _, errors = try_sample(hiring(), " " * 70_000, today=TODAY, language="en")
    assert [e["type"] for e in errors] == ["too_large"]
