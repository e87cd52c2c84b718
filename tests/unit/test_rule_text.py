"""The admin rule editor's text, one rule per line as ``name: condition -> queue``: it reads
back what it writes, and every problem, of a line's shape or of the API's checks, lands on
the line it belongs to."""

from __future__ import annotations

import pytest

from lifecase_platform.errors import field_error
from lifecase_routing.admin_ui.rule_text import LineProblem, parse_rules, problems_at, rules_as_text
from lifecase_routing.organisation import load_organisation
from lifecase_routing.rules import InvalidRuleSet, compile_rule_set


def test_the_seeded_rules_read_back_as_they_were_written() -> None:
    seeded = load_organisation().rule_set()
    text = rules_as_text(seeded.rules)
    assert text.splitlines()[0] == 'hr-by-type: subcase_type.startsWith("hr.") -> hr'

    parsed = parse_rules(text, seeded.fallback_queue)

    assert parsed.problems == ()
    assert parsed.spec == seeded
    assert parsed.lines == (1, 2, 3, 4)


def test_blank_and_comment_lines_are_skipped_but_counted() -> None:
    text = "# people first\n\nhr-by-type: true -> hr\n  \n# the rest\nit: false -> it\n"

    parsed = parse_rules(text, "triage")

    assert parsed.spec is not None
    assert [(r.name, r.condition, r.queue) for r in parsed.spec.rules] == [
        ("hr-by-type", "true", "hr"),
        ("it", "false", "it"),
    ]
    assert parsed.lines == (3, 6)


def test_a_condition_may_hold_colons_and_arrows() -> None:
    text = 'odd: fields.note == "a->b" ? true : false -> hr'

    parsed = parse_rules(text, "triage")

    assert parsed.spec is not None
    rule = parsed.spec.rules[0]
    assert (rule.name, rule.condition, rule.queue) == (
        "odd",
        'fields.note == "a->b" ? true : false',
        "hr",
    )


@pytest.mark.parametrize("line", ["no colon -> hr", "name: but no arrow", "just words"])
def test_a_line_of_the_wrong_shape_is_named(line: str) -> None:
    parsed = parse_rules(f"hr-by-type: true -> hr\n{line}", "triage")

    assert parsed.spec is None
    assert parsed.problems == (
        LineProblem(2, "line", "shape", "write the rule as name: condition -> queue", line),
    )


def test_the_api_body_checks_are_placed_on_their_lines() -> None:
    text = "hr-by-type: true -> hr\n\nBad Name: true -> hr\nempty:  -> it\nodd -> it"

    parsed = parse_rules(text, "")

    assert parsed.spec is None
    assert [(p.line, p.part, p.type) for p in parsed.problems] == [
        (3, "name", "string_pattern_mismatch"),
        (4, "condition", "string_too_short"),
        (5, "line", "shape"),
        (None, "fallback_queue", "string_too_short"),
    ]
    assert parsed.problems[0].source == "Bad Name: true -> hr"


def test_the_sound_rules_are_kept_to_be_checked_further() -> None:
    text = "hr-by-type: true -> hr\nBad Name: true -> hr\nodd -> it\nit-by-type: true -> itx"

    parsed = parse_rules(text, "triage")

    assert parsed.spec is None
    assert parsed.sound is not None
    assert [r.name for r in parsed.sound.rules] == ["hr-by-type", "it-by-type"]
    assert parsed.lines == (1, 4)


def test_the_rule_set_checks_are_placed_on_the_lines_of_their_rules() -> None:
    text = "hr-by-type: true -> hr\n# moved\nit-by-type: shoe_size > 4 -> facilitys\n"
    parsed = parse_rules(text, "nowhere")
    assert parsed.spec is not None
    with pytest.raises(InvalidRuleSet) as invalid:
        compile_rule_set(parsed.spec, ["hr", "it", "facilities", "triage"])
    # As rulesets hands them on: the errors of a 422 body.
    errors = [field_error(["body", *p.loc], p.msg, p.type) for p in invalid.value.problems]

    problems = problems_at(errors, parsed.lines, text)

    assert [(p.line, p.part, p.type) for p in problems] == [
        (3, "queue", "unknown_queue"),
        (3, "condition", "expression"),
        (None, "fallback_queue", "unknown_queue"),
    ]
    assert problems[0].source == "it-by-type: shoe_size > 4 -> facilitys"
    assert "shoe_size" in problems[1].message
