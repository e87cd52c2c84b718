"""Routing rules: first match wins, the fallback catches the rest."""

from __future__ import annotations

from lifecase_routing.rules import FALLBACK_RULE, Rule, route
from lifecase_routing.service import load_organisation

RULES = [
    Rule(name="payroll", match="payroll.*", queue="payroll"),
    Rule(name="hr-contract", match="hr.employment_contract", queue="hr"),
    Rule(name="hr-any", match="hr.*", queue="hr-other"),
]


def test_the_first_matching_rule_routes() -> None:
    assert route(RULES, "triage", "hr.employment_contract") == ("hr", "hr-contract")
    assert route(RULES, "triage", "hr.leave") == ("hr-other", "hr-any")


def test_an_unmatched_type_goes_to_triage() -> None:
    assert route(RULES, "triage", "canteen.lunch") == ("triage", FALLBACK_RULE)


def test_the_seeded_organisation_routes_every_hiring_subcase_to_a_unit_queue() -> None:
    org = load_organisation()
    queues = {q.key for u in org.units for q in u.queues}
    assert {r.queue for r in org.rules} <= queues
    assert org.fallback_queue in queues
    for subcase_type in (
        "hr.employment_contract",
        "payroll.setup",
        "it.equipment",
        "facilities.access_card",
        "facilities.welcome_package",
    ):
        _queue, rule = route(org.rules, org.fallback_queue, subcase_type)
        assert rule != FALLBACK_RULE, subcase_type
