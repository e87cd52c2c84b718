"""Routing rules: ordered CEL conditions, first match wins, the fallback catches the rest;
a candidate rule set is checked as a whole and can be dry-run against past sub-cases."""

from __future__ import annotations

import pytest

from lifecase_contracts.workspace import RuleSetSpec, RuleSpec
from lifecase_routing.organisation import load_organisation
from lifecase_routing.rules import (
    FALLBACK_RULE,
    InvalidRuleSet,
    PastItem,
    Subject,
    compile_rule_set,
    dry_run,
)

QUEUES = ["payroll", "hr", "hr-other", "triage"]


def rule_set(*rules: tuple[str, str, str], fallback: str = "triage") -> RuleSetSpec:
    return RuleSetSpec(
        rules=[RuleSpec(name=n, condition=c, queue=q) for n, c, q in rules],
        fallback_queue=fallback,
    )


RULES = compile_rule_set(
    rule_set(
        ("part-time-payroll", 'subcase_type == "payroll.setup" && fields.weekly_hours < 15', "hr"),
        ("payroll", 'subcase_type.startsWith("payroll.")', "payroll"),
        ("hr-from-schools", 'unit_hint == "hr" && department == "Skoleafdelingen"', "hr-other"),
        ("hr", 'subcase_type.startsWith("hr.")', "hr"),
    ),
    QUEUES,
)


def test_the_first_rule_whose_condition_holds_routes() -> None:
    schools = Subject("hr.employment_contract", department="Skoleafdelingen", unit_hint="hr")
    assert RULES.route(schools).queue == "hr-other"
    assert RULES.route(schools).rule == "hr-from-schools"
    assert RULES.route(Subject("hr.employment_contract", unit_hint="hr")).rule == "hr"


def test_conditions_read_the_carried_fields() -> None:
    assert RULES.route(Subject("payroll.setup", fields={"weekly_hours": 10})).queue == "hr"
    assert RULES.route(Subject("payroll.setup", fields={"weekly_hours": 37})).queue == "payroll"


def test_a_rule_that_cannot_evaluate_is_skipped_and_named() -> None:
    # weekly_hours was not carried: the part-time rule fails, the next one routes.
    decision = RULES.route(Subject("payroll.setup", fields={}))
    assert (decision.queue, decision.rule) == ("payroll", "payroll")
    assert decision.errors == ("part-time-payroll",)


def test_an_unmatched_type_goes_to_the_fallback_queue() -> None:
    decision = RULES.route(Subject("canteen.lunch"))
    assert (decision.queue, decision.rule) == ("triage", FALLBACK_RULE)


def test_every_problem_of_a_rule_set_is_reported_at_once() -> None:
    with pytest.raises(InvalidRuleSet) as caught:
        compile_rule_set(
            rule_set(
                ("a", "subcase_type ==", "payroll"),
                ("b", "shoe_size > 42", "payroll"),
                ("a", "true", "nowhere"),
                ("fallback", "true", "hr"),
                fallback="gone",
            ),
            QUEUES,
        )
    problems = {(p.loc, p.type) for p in caught.value.problems}
    assert problems == {
        (("rules", 0, "condition"), "expression"),
        (("rules", 1, "condition"), "expression"),
        (("rules", 2, "name"), "duplicate"),
        (("rules", 2, "queue"), "unknown_queue"),
        (("rules", 3, "name"), "reserved"),
        (("fallback_queue",), "unknown_queue"),
    }
    unknown = next(p for p in caught.value.problems if p.loc == ("rules", 1, "condition"))
    assert "unknown names: shoe_size" in unknown.msg


def test_a_dry_run_counts_moves_between_queues_against_where_items_are_now() -> None:
    candidate = compile_rule_set(
        rule_set(("all-payroll-to-hr", 'subcase_type.startsWith("payroll.")', "hr")), QUEUES
    )
    past = [
        PastItem("payroll", Subject("payroll.setup")),
        PastItem("payroll", Subject("payroll.change")),
        PastItem("hr", Subject("payroll.setup")),  # transferred there by hand before
        PastItem("triage", Subject("canteen.lunch")),
    ]
    result = dry_run(candidate, past)
    assert (result.evaluated, result.unchanged, result.moved) == (4, 2, 2)
    assert result.moves == {("payroll", "hr"): 2}
    assert result.move_rules[("payroll", "hr")] == {"all-payroll-to-hr"}


def test_the_seeded_organisation_routes_every_hiring_subcase_to_a_unit_queue() -> None:
    org = load_organisation()
    queues = {q.key for u in org.units for q in u.queues}
    rules = compile_rule_set(org.rule_set(), queues)
    for subcase_type in (
        "hr.employment_contract",
        "payroll.setup",
        "it.equipment",
        "facilities.access_card",
        "facilities.welcome_package",
    ):
        assert rules.route(Subject(subcase_type)).rule != FALLBACK_RULE, subcase_type
    assert {"12-24", "12-31"} <= set(org.sla.closing_days)
    payroll = next(u for u in org.units if u.key == "payroll")
    assert {(m.username, m.role) for m in payroll.member_specs()} >= {
        ("paula", "member"),
        ("lene", "lead"),
        ("robot-payroll", "member"),
    }
