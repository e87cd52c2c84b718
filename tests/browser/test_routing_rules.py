"""Routing rules in the admin area, in a real Chromium: Ada writes a new version that sends
IT sub-cases to facilities, is shown the line she got wrong, tries the version on earlier
sub-cases, saves it, activates it and rolls back to the version before; Pia (process owner)
reads the versions and rules but may change nothing.

The browser tests share one system: Ada's test leaves the rule set it found active."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, switch_to_english, unique_name, wait_until

IT_RULE = 'it-by-type: subcase_type.startsWith("it.") -> it'


def sign_in_at(page: Page, a11y: A11y, path: str, name: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name=f"Log ind som {name}").click()
    expect(page.get_by_text("Logget ind som")).to_be_visible()


def active_version(api: Api) -> int:
    response = api.http.get("/api/v1/routing/rule-sets/active", headers=api.headers("ada"))
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


@pytest.fixture
def rules_left_as_found(api: Api) -> Iterator[int]:
    """The active version when the test starts, made active again however the test ends."""
    before = active_version(api)
    yield before
    if active_version(api) != before:
        activated = api.http.post(
            f"/api/v1/routing/rule-sets/{before}/activate", headers=api.headers("ada")
        )
        assert activated.status_code == 200, activated.text


def an_it_item_is_routed(api: Api) -> None:
    """A hiring case whose IT sub-case is in the IT queue, so the dry run has one to move."""
    response = api.http.post(
        "/api/v1/cases",
        headers=api.headers("rita"),
        json={
            "event_type": "hiring",
            "data": {
                "employee_name": unique_name("Ida"),
                "cpr": "0202851234",
                "start_date": (today_in_denmark() + timedelta(days=7)).isoformat(),
                "position": "Lærer",
                "department": "Skovvejens Skole",
                "employment_type": "permanent",
                "weekly_hours": 37,
            },
        },
    )
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]

    def it_routed() -> list[dict[str, Any]] | None:
        case = api.case(case_id)
        routed = [s for s in case["subcases"] if s["unit"] == "it" and s["status"] == "routed"]
        return routed or None

    wait_until(it_routed, what="the IT sub-case to reach the IT queue")


def test_ada_tries_saves_activates_and_rolls_back_a_new_version_of_the_rules(
    page: Page, a11y: A11y, api: Api, rules_left_as_found: int
) -> None:
    before = rules_left_as_found
    an_it_item_is_routed(api)
    sign_in_at(page, a11y, "/admin/routing/", "Ada Admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enheder og routing")
    a11y.check(page)
    page.get_by_role("link", name="Alle versioner af routingreglerne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Routingregler")
    expect(page.locator(f"#versions tr[data-version='{before}'] [data-status]")).to_have_text(
        "Aktiv"
    )
    a11y.check(page)

    page.get_by_role("link", name="Ny version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny version af routingreglerne")
    rules = page.get_by_label("Reglerne, én pr. linje, i den rækkefølge de prøves")
    expect(rules).to_contain_text(IT_RULE)
    a11y.check(page)

    # A queue that does not exist and a line that is no rule: each problem is shown with
    # the line it is on, all at once.
    original = rules.input_value()
    line = original.splitlines().index(IT_RULE) + 1
    wrong = original.replace(IT_RULE, IT_RULE[: -len("it")] + "facilitet")
    rules.fill(f"{wrong}\nsend resten til hr")
    page.get_by_role("button", name="Prøv på tidligere opgaver").click()
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("2 problemer i reglerne")
    expect(alert.locator(f"li[data-line='{line}']")).to_contain_text(
        f"Linje {line} {IT_RULE[: -len('it')]}facilitet Kø: Køen findes ikke."
    )
    last = len(original.splitlines()) + 1
    expect(alert.locator(f"li[data-line='{last}']")).to_contain_text(
        "Linjen: Skriv reglen som navn: betingelse -> kø."
    )
    expect(page.locator("#dry-run-summary")).to_have_count(0)
    a11y.check(page)

    rules.fill(original.replace(IT_RULE, IT_RULE[: -len("it")] + "facilities"))
    page.get_by_role("button", name="Prøv på tidligere opgaver").click()
    expect(page.locator("#dry-run-summary")).to_have_text(
        re.compile(r"^Ændringen ville flytte \d+ af \d+ opgaver: .*\d+ fra it til facilities")
    )
    expect(page.locator("#moves tr[data-move='it:facilities']")).to_contain_text("it-by-type")
    expect(page.get_by_role("alert")).to_have_count(0)
    a11y.check(page)

    page.get_by_role("button", name="Gem som ny version").click()
    expect(page).to_have_url(re.compile(r"/admin/routing/rules/\d+\?done=created$"))
    new = int(re.findall(r"/rules/(\d+)", page.url)[0])
    assert new > before
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Routingregler, version {new}")
    expect(page.locator("#done")).to_contain_text(f"Version {new} er gemt")
    expect(page.locator("#version-status")).to_have_text("Ikke aktiv")
    expect(page.locator("#dry-run-summary")).to_contain_text("fra it til facilities")
    expect(page.locator("#rules tr[data-rule=it-by-type] [data-queue]")).to_have_attribute(
        "data-queue", "facilities"
    )
    a11y.check(page)
    assert active_version(api) == before, "saving does not activate"

    page.get_by_role("button", name="Aktivér").click()
    expect(page).to_have_url(re.compile(r"/admin/routing/rules\?done=activated$"))
    expect(page.locator("#done")).to_have_text(
        f"Version {new} er aktiv: nye delsager routes med den."
    )
    expect(page.locator(f"#versions tr[data-version='{new}'] [data-status]")).to_have_text("Aktiv")
    expect(page.locator(f"#versions tr[data-version='{before}'] [data-status]")).to_have_text(
        "Aktiv før"
    )
    expect(page.locator("#rules tr[data-rule=it-by-type] [data-queue]")).to_have_text(
        "Facility – adgang og velkomst"
    )
    a11y.check(page)

    page.get_by_role("button", name=f"Rul tilbage til version {before}").click()
    expect(page.locator("#done")).to_have_text(
        f"Version {before} er aktiv: nye delsager routes med den."
    )
    expect(page.locator(f"#versions tr[data-version='{before}'] [data-status]")).to_have_text(
        "Aktiv"
    )
    expect(page.locator("#rules tr[data-rule=it-by-type] [data-queue]")).to_have_text(
        "It – udstyr og konti"
    )
    a11y.check(page)
    assert active_version(api) == before

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("Routing rules")
    expect(page.get_by_role("button", name=f"Roll back to version {new}")).to_be_visible()
    expect(page.locator(f"#versions tr[data-version='{before}'] [data-status]")).to_have_text(
        "Active"
    )


def test_pia_reads_the_rule_versions_but_changes_nothing(page: Page, a11y: A11y, api: Api) -> None:
    active = active_version(api)
    sign_in_at(page, a11y, "/admin/routing/rules", "Pia Procesejer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Routingregler")
    expect(page.locator(f"#versions tr[data-version='{active}'] [data-status]")).to_have_text(
        "Aktiv"
    )
    expect(page.locator("#rules tr[data-rule=payroll-by-type]")).to_contain_text(
        'subcase_type.startsWith("payroll.")'
    )
    expect(page.get_by_role("link", name="Ny version")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Rul tilbage"))).to_have_count(0)
    a11y.check(page)

    page.locator(f"#versions tr[data-version='{active}']").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Routingregler, version {active}")
    expect(page.locator("#version-status")).to_have_text("Aktiv")
    expect(page.get_by_role("button", name="Aktivér")).to_have_count(0)
    expect(page.get_by_role("link", name="Ny version ud fra denne")).to_have_count(0)
    a11y.check(page)

    page.goto("/admin/routing/rules/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    a11y.check(page)
