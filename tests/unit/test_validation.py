"""Case data is checked against the template's JSON Schema, CPR numbers by python-stdnum."""

from __future__ import annotations

from lifecase_lifecycle.templates import load_catalogue
from lifecase_platform.case_data import validate_case_data

SCHEMA = next(t for t in load_catalogue() if t.key == "hiring").input_schema()
VALID = {
    "employee_name": "Mette Hansen",
    "cpr": "010190-1234",
    "start_date": "2027-01-04",
    "position": "Pædagog",
    "department": "Solsikken",
    "employment_type": "permanent",
    "weekly_hours": 37,
}


def test_valid_data_has_no_errors() -> None:
    assert validate_case_data(SCHEMA, VALID, "en") == []


def test_a_cpr_number_with_an_impossible_birth_date_is_refused_without_echoing_it() -> None:
    [error] = validate_case_data(SCHEMA, {**VALID, "cpr": "320190-1234"}, "en")
    assert error["loc"] == ["body", "data", "cpr"]
    assert error["type"] == "format"
    assert "320190" not in error["msg"]


def test_missing_fields_are_named_in_danish() -> None:
    errors = validate_case_data(SCHEMA, {}, "da")
    assert {tuple(e["loc"]) for e in errors} >= {
        ("body", "data", "cpr"),
        ("body", "data", "start_date"),
    }
    assert {e["msg"] for e in errors} == {"Feltet skal udfyldes."}


def test_an_impossible_date_is_refused() -> None:
    [error] = validate_case_data(SCHEMA, {**VALID, "start_date": "2027-02-30"}, "en")
    assert error["loc"] == ["body", "data", "start_date"]


def test_an_email_must_look_like_one() -> None:
    [error] = validate_case_data(SCHEMA, {**VALID, "work_email": "not-an-address"}, "en")
    assert error["loc"] == ["body", "data", "work_email"]
