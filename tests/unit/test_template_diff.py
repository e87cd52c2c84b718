"""What an approver reads before publishing: the difference between two template versions,
item by item, in the words of the template's YAML."""

from __future__ import annotations

from lifecase_lifecycle.templates import (
    CATALOGUE_DIR,
    DateOffset,
    Trigger,
    load_template,
    parse_template,
    to_yaml,
)
from lifecase_lifecycle.templates.diff import Change, Part, diff

HIRING = load_template(CATALOGUE_DIR / "hiring.yaml")


def test_identical_versions_differ_in_nothing() -> None:
    assert diff(HIRING, parse_template(to_yaml(HIRING))) == []


def test_a_moved_date_trigger_a_condition_and_carried_fields_are_named_with_both_values() -> None:
    it = HIRING.activity("it_equipment")
    edited = HIRING.model_copy(
        update={
            "activities": [
                a
                if a.key != "it_equipment"
                else it.model_copy(
                    update={
                        "when": "needs_laptop == true",
                        "trigger": Trigger(date=DateOffset(field="start_date", days=-28)),
                        "carries": ["employee_name", "start_date"],
                    }
                )
                for a in HIRING.activities
            ]
        }
    )
    assert diff(HIRING, parse_template(to_yaml(edited))) == [
        Change(
            "activities",
            "it_equipment",
            "changed",
            [
                Part(
                    "carries",
                    "[employee_name, start_date, position, department, needs_laptop, work_email]",
                    "[employee_name, start_date]",
                ),
                Part("when", None, "needs_laptop == true"),
                Part(
                    "trigger",
                    "{date: {field: start_date, days: -21}}",
                    "{date: {field: start_date, days: -28}}",
                ),
            ],
        )
    ]


def test_added_removed_and_reordered_items_and_a_new_title() -> None:
    text = to_yaml(HIRING).replace("da: Ansættelse\n", "da: Nyansættelse\n", 1)
    template = parse_template(text)
    fields = list(template.fields)
    fields[0], fields[1] = fields[1], fields[0]
    follow_ups = [f for f in template.on_withdraw if f.key != "cancel_payroll"]
    welcome = template.activity("welcome_package")
    activities = [
        *template.activities,
        welcome.model_copy(update={"key": "mentor", "subcase_type": "hr.mentor"}),
    ]
    after = template.model_copy(
        update={"fields": fields, "activities": activities, "on_withdraw": follow_ups}
    )
    changes = diff(HIRING, parse_template(to_yaml(after)))
    summary = [(c.section, c.key, c.kind) for c in changes]
    assert summary == [
        ("template", "hiring", "changed"),
        ("fields", "", "reordered"),
        ("activities", "mentor", "added"),
        ("on_withdraw", "cancel_payroll", "removed"),
    ]
    assert changes[0].parts[0].before is not None and "Ansættelse" in changes[0].parts[0].before
    assert changes[0].parts[0].after is not None and "Nyansættelse" in changes[0].parts[0].after
    added = {p.name: (p.before, p.after) for p in changes[2].parts}
    assert added["trigger"] == (None, "{date: {field: start_date, days: -14}}")
    assert added["subcase_type"] == (None, "hr.mentor")


def test_against_nothing_published_everything_is_added() -> None:
    changes = diff(None, HIRING)
    assert [c.kind for c in changes] == ["added"] * (
        len(HIRING.fields) + len(HIRING.activities) + len(HIRING.on_withdraw)
    )
