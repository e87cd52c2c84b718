"""The suggested values as the portal's forms name their inputs."""

from __future__ import annotations

from lifecase_intake.portal.forms import form_fields
from lifecase_intake.portal.triage import prefill, prefilled
from lifecase_lifecycle.templates import load_catalogue

SCHEMAS = {t.key: t.input_schema() for t in load_catalogue()}


def test_a_groups_row_from_0_becomes_the_forms_row_from_1() -> None:
    fields = form_fields(SCHEMAS["parental_leave"])
    values = prefill(
        fields,
        {
            "leave_periods.0.start": "2027-04-01",
            "leave_periods.1.end": "2027-09-30",
            "department": "Solsikken",
        },
    )
    assert values == {
        "leave_periods-1-start": "2027-04-01",
        "leave_periods-2-end": "2027-09-30",
        "department": "Solsikken",
    }
    shown = prefilled(fields, values)
    assert [(i.group and i.group.key, i.row, i.field.key) for i in shown] == [
        (None, None, "department"),
        ("leave_periods", 1, "start"),
        ("leave_periods", 2, "end"),
    ]


def test_only_values_the_form_can_take_are_kept() -> None:
    fields = form_fields(SCHEMAS["leave_of_absence"])
    values = prefill(
        fields,
        {
            "leave_type": "education",
            "leave_start": "1. april",  # not a date the form can show
            "nope": "x",
            "leave_end.0.start": "2027-04-01",  # not a group
            "keeps_access": "",
        },
    )
    assert values == {"leave_type": "education"}
    assert prefill(fields, {"leave_type": "sabbatical"}) == {}


def test_the_general_requests_description_is_a_text_area_taking_the_whole_text() -> None:
    [description, department] = form_fields(SCHEMAS["general_request"])
    assert (description.kind, description.multiline, description.max_length) == ("text", True, 2000)
    assert department.kind == "department" and not department.multiline
