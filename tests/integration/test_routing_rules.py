"""Admins edit routing rules as versioned rule sets: dry-run first, save, and every new work
item records the rule and version that routed it; bad rule sets are refused whole."""

from __future__ import annotations

from typing import Any

import pytest

from lifecase_embedded.system import SystemConfig
from tests.support import Api
from tests.workspace import Lifecycle, item, routed_hiring, subcase_in, wait_for_item

pytestmark = pytest.mark.integration

SEEDED = [
    {"name": "hr-by-type", "condition": 'subcase_type.startsWith("hr.")', "queue": "hr"},
    {
        "name": "payroll-by-type",
        "condition": 'subcase_type.startsWith("payroll.")',
        "queue": "payroll",
    },
    {"name": "it-by-type", "condition": 'subcase_type.startsWith("it.")', "queue": "it"},
    {
        "name": "facilities-by-type",
        "condition": 'subcase_type.startsWith("facilities.")',
        "queue": "facilities",
    },
]
PART_TIME_TO_HR = {
    "name": "part-time-payroll-to-hr",
    "condition": 'subcase_type == "payroll.setup" && fields.weekly_hours < 15.0',
    "queue": "hr",
}


def rule_set(*rules: dict[str, str], fallback: str = "triage") -> dict[str, Any]:
    return {"rules": list(rules), "fallback_queue": fallback}


@pytest.fixture
def lifecycle(system_config: SystemConfig) -> Lifecycle:
    return Lifecycle(system_config.nats_url)


async def test_an_admin_dry_runs_then_saves_rules_and_new_items_record_the_version(
    api: Api,
) -> None:
    part_timer = await routed_hiring(api, employee_name="Deltid", weekly_hours=10)
    await routed_hiring(api, employee_name="Fuldtid", weekly_hours=37)
    candidate = rule_set(PART_TIME_TO_HR, *SEEDED)

    dry = await api.post("/api/v1/routing/dry-run", as_="ada", json=candidate)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert (report["evaluated"], report["moved"], report["unchanged"]) == (10, 1, 9)
    assert report["moves"] == [
        {
            "from_queue": "payroll",
            "to_queue": "hr",
            "count": 1,
            "rules": ["part-time-payroll-to-hr"],
        }
    ]
    assert report["summary"]["en"] == (
        "This change would move 1 of 10 items: 1 from payroll to hr."
    )
    assert (
        report["summary"]["da"] == "Ændringen ville flytte 1 af 10 opgaver: 1 fra payroll til hr."
    )
    versions = (await api.get("/api/v1/routing/rule-sets", as_="ada")).json()
    assert [v["version"] for v in versions] == [1], "a dry run saves nothing"

    saved = await api.post("/api/v1/routing/rule-sets", as_="ada", json=candidate)
    assert saved.status_code == 201, saved.text
    assert (saved.json()["version"], saved.json()["active"], saved.json()["created_by"]) == (
        2,
        True,
        "ada",
    )

    later = await routed_hiring(api, employee_name="Deltid 2", weekly_hours=12)
    moved = next(s for s in later["subcases"] if s["activity"] == "payroll_setup")
    assert moved["queue"] == "hr"
    routed = (await item(api, moved["id"], as_="hans"))["routing"]
    assert (routed["rule"], routed["ruleset_version"]) == ("part-time-payroll-to-hr", 2)
    earlier = (await item(api, subcase_in(part_timer, "payroll")["id"]))["routing"]
    assert (earlier["rule"], earlier["ruleset_version"]) == ("payroll-by-type", 1)

    listed = (await api.get("/api/v1/routing/rule-sets", as_="ada")).json()
    assert [(v["version"], v["active"]) for v in listed] == [(2, True), (1, False)]
    back = await api.post("/api/v1/routing/rule-sets/1/activate", as_="ada")
    assert back.json()["active"] is True
    assert back.json()["rules"][1]["routed"] == 2  # payroll-by-type under version 1


async def test_a_rule_set_with_errors_is_refused_whole_and_nothing_changes(api: Api) -> None:
    broken = rule_set(
        {"name": "typo", "condition": 'subcase_type.startsWith("hr.")) ', "queue": "hr"},
        {"name": "unknown-name", "condition": "shoe_size > 42", "queue": "hr"},
        {"name": "gone", "condition": "true", "queue": "canteen"},
        fallback="nowhere",
    )
    response = await api.post(
        "/api/v1/routing/rule-sets", as_="ada", json=broken, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The rule set is not valid."
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {
        ("body", "rules", 0, "condition"),
        ("body", "rules", 1, "condition"),
        ("body", "rules", 2, "queue"),
        ("body", "fallback_queue"),
    }
    danish = await api.post("/api/v1/routing/dry-run", as_="ada", json=broken)
    assert (danish.status_code, danish.json()["detail"]) == (422, "Regelsættet er ikke gyldigt.")

    forbidden = await api.post("/api/v1/routing/rule-sets", as_="paula", json=rule_set(*SEEDED))
    assert forbidden.status_code == 403
    assert (await api.get("/api/v1/routing/rule-sets/active", as_="lene")).status_code == 403
    assert [
        v["version"] for v in (await api.get("/api/v1/routing/rule-sets", as_="ada")).json()
    ] == [1]


async def test_rules_read_department_hint_and_fields_and_the_rest_goes_to_triage(
    api: Api, lifecycle: Lifecycle
) -> None:
    by_department = {
        "name": "schools-it-to-servicedesk",
        "condition": 'department == "Skoleafdelingen" && unit_hint == "it"',
        "queue": "triage",
    }
    saved = await api.post(
        "/api/v1/routing/rule-sets", as_="ada", json=rule_set(by_department, *SEEDED)
    )
    assert saved.status_code == 201, saved.text

    school = await lifecycle.open(
        subcase_type="it.equipment", department="Skoleafdelingen", unit_hint="it"
    )
    elsewhere = await lifecycle.open(subcase_type="it.equipment", unit_hint="it")
    canteen = await lifecycle.open(subcase_type="canteen.lunch")

    async def routed(item_id: str, who: str) -> dict[str, Any]:
        return await wait_for_item(api, item_id, lambda i: True, as_=who, what="routing")

    assert (await routed(school, "sofie"))["routing"]["rule"] == "schools-it-to-servicedesk"
    assert (await routed(elsewhere, "ivan"))["routing"]["rule"] == "it-by-type"
    fallback = await routed(canteen, "sofie")
    assert (fallback["queue"], fallback["routing"]["rule"]) == ("triage", "fallback")

    active = (await api.get("/api/v1/routing/rule-sets/active", as_="ada")).json()
    assert (active["fallback"]["queue"], active["fallback"]["routed"]) == ("triage", 1)
