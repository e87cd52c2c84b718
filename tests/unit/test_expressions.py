"""The safe expression language: compile errors point at the place, unknown names are refused."""

from __future__ import annotations

import pytest

from lifecase_platform.expressions import ExpressionError, compile_expression


def test_a_condition_holds_or_not() -> None:
    condition = compile_expression(
        "partner_employed && weekly_hours > 30", known=["partner_employed", "weekly_hours"]
    )
    assert condition.holds({"partner_employed": True, "weekly_hours": 37})
    assert not condition.holds({"partner_employed": False, "weekly_hours": 37})


def test_a_missing_optional_field_is_null() -> None:
    assert compile_expression("partner_cpr == null").holds({})


def test_iso_dates_compare_as_strings() -> None:
    assert compile_expression('start_date >= "2027-01-01"').holds({"start_date": "2027-01-04"})


def test_a_syntax_error_names_the_column() -> None:
    with pytest.raises(ExpressionError, match="1:20"):
        compile_expression("partner_employed &&& x")


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ExpressionError, match="unknown names: shoe_size"):
        compile_expression("shoe_size > 42", known=["weekly_hours"])


def test_python_is_not_reachable() -> None:
    with pytest.raises(ExpressionError, match="Undefined variable or function"):
        compile_expression("__import__('os').system('true')").evaluate({})


def test_a_type_error_at_evaluation_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="No such overload"):
        compile_expression("weekly_hours > 30").evaluate({"weekly_hours": "many"})


def test_a_map_key_the_data_lacks_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="weekly_hours"):
        compile_expression("fields.weekly_hours > 30").evaluate({"fields": {}})
