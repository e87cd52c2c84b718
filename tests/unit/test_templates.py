"""The template model: the catalogue is valid, bad templates are refused with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lifecase_lifecycle.templates import Template, load_catalogue


def _template(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": "demo",
        "title": {"da": "Demo", "en": "Demo"},
        "description": {"da": "d", "en": "d"},
        "fields": [{"key": "name", "type": "text", "label": {"da": "Navn", "en": "Name"}}],
        "activities": [
            {
                "key": "a",
                "subcase_type": "hr.a",
                "title": {"da": "A", "en": "A"},
                "carries": ["name"],
            }
        ],
    }
    doc.update(overrides)
    return doc


def test_the_shipped_hiring_template_opens_five_subcases_for_four_units() -> None:
    [hiring] = [t for t in load_catalogue() if t.key == "hiring"]
    assert len(hiring.activities) == 5
    assert len({a.unit_hint for a in hiring.activities}) == 4
    assert "cpr" in hiring.personal_fields
    it = hiring.activity("it_equipment")
    assert "cpr" not in it.carries


def test_an_activity_carrying_an_unknown_field_is_refused() -> None:
    doc = _template(
        activities=[
            {
                "key": "a",
                "subcase_type": "hr.a",
                "title": {"da": "A", "en": "A"},
                "carries": ["shoe_size"],
            }
        ]
    )
    with pytest.raises(ValidationError, match="activity 'a' carries unknown fields: shoe_size"):
        Template.model_validate(doc)


def test_duplicate_activity_keys_are_refused() -> None:
    activity = {"key": "a", "subcase_type": "hr.a", "title": {"da": "A", "en": "A"}}
    with pytest.raises(ValidationError, match="duplicate activity keys: a"):
        Template.model_validate(_template(activities=[activity, activity]))


def test_a_choice_field_needs_choices() -> None:
    fields = [{"key": "kind", "type": "choice", "label": {"da": "Art", "en": "Kind"}}]
    with pytest.raises(ValidationError, match="choices are required"):
        Template.model_validate(
            _template(
                fields=fields,
                activities=[{"key": "a", "subcase_type": "hr.a", "title": {"da": "A", "en": "A"}}],
            )
        )


def test_the_input_schema_lists_required_fields_and_refuses_unknown_ones() -> None:
    schema = Template.model_validate(_template()).input_schema()
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["name"]["type"] == "string"
