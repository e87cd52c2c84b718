"""The portal's form is generated from a template's input schema, reads what people type
(Danish decimal commas, ja/nej) and explains errors per field; a CSV upload is checked row by
row the same way."""

from __future__ import annotations

from datetime import date

from lifecase_contracts.events import Localized
from lifecase_intake.portal.csvfile import read_csv, template_csv
from lifecase_intake.portal.forms import check, form_fields
from lifecase_intake.portal.preview import PlannedTask, moves
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
    "leave_start": "2027-02-15",
    "leave_end": "2027-12-15",
}
PARTNER = {
    "partner_name": "Jonas Berg",
    "partner_cpr": "0202851234",
    "partner_department": "Vej og Park",
    "partner_leave_start": "2027-03-01",
    "partner_leave_end": "2027-05-01",
}


def test_partner_fields_apply_only_when_the_partner_is_employed() -> None:
    conditions = {f.key: f.shown_if for f in PARENTAL_FIELDS if f.shown_if}
    assert set(conditions) == set(PARTNER)
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
    assert {f.key for f in fields if f.shown_if} == set(PARTNER)


def test_partner_fields_are_required_when_ticked_and_dropped_when_not() -> None:
    ticked = {**PARENTAL_VALID, "partner_employed": "true"}
    _, errors = check(PARENTAL, PARENTAL_FIELDS, ticked, "en")
    assert set(errors) == set(PARTNER)
    data, errors = check(PARENTAL, PARENTAL_FIELDS, {**ticked, **PARTNER}, "en")
    assert errors == {} and data["partner_name"] == "Jonas Berg"

    unticked = {**PARENTAL_VALID, **PARTNER, "partner_cpr": "bad", "partner_employed": "false"}
    data, errors = check(PARENTAL, PARENTAL_FIELDS, unticked, "en")
    assert errors == {}
    assert not set(PARTNER) & set(data)  # typed in, then unticked: neither checked nor kept


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
