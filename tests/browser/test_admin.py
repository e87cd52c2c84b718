"""The admin area as its users meet it, in a real Chromium: Ada (administrator) finds every
life event in the template library with its versions and running cases, opens the hiring
template's published version and reads its fields, activities and YAML, in Danish and in
English; Pia (process owner) reads the units, the routing rules with their counts and the
service levels; Rita (a reporter) is refused both parts."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, switch_to_english, unique_name, wait_until


def sign_in_to_admin(page: Page, a11y: A11y, name: str) -> None:
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name=f"Log ind som {name}").click()
    expect(page.get_by_text("Logget ind som")).to_be_visible()


def file_hiring(api: Api) -> str:
    start = (today_in_denmark() + timedelta(days=30)).isoformat()
    response = api.http.post(
        "/api/v1/cases",
        headers=api.headers("rita"),
        json={
            "event_type": "hiring",
            "data": {
                "employee_name": unique_name("Asger"),
                "cpr": "0202851234",
                "start_date": start,
                "position": "Pædagog",
                "department": "Skovvejens Skole",
                "employment_type": "permanent",
                "weekly_hours": 30,
            },
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_ada_reads_the_template_library_and_a_version_in_full(
    page: Page, a11y: A11y, api: Api
) -> None:
    case_id = file_hiring(api)
    wait_until(lambda: api.case(case_id)["subcases"] or None, what="the case's workflow to start")

    sign_in_to_admin(page, a11y, "Ada Admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skabeloner")
    a11y.check(page)
    library = page.locator("#library")
    for key in ("hiring", "termination", "leave_of_absence", "parental_leave"):
        expect(library.locator(f"tr[data-template={key}]")).to_have_count(1)
    hiring = library.locator("tr[data-template=hiring]")
    expect(hiring.locator("th")).to_contain_text("Ansættelse")
    # The published version (another test may have published a newer one than the first).
    number = api.case(case_id)["template_version"]
    current = hiring.locator(f"li[data-version='{number}']")
    expect(current).to_contain_text("Offentliggjort")
    expect(current.locator("[data-running]")).to_contain_text(re.compile(r"\d+ igangværende sag"))
    assert int(hiring.locator("[data-count=running]").inner_text()) >= 1

    current.get_by_role("link", name=f"Version {number}").click()
    expect(page).to_have_url(re.compile(rf"/admin/templates/hiring/{number}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ansættelse – Version {number}")
    expect(page.locator("#version-status")).to_have_text("Offentliggjort")
    cpr = page.locator("#fields tr[data-field=cpr]")
    expect(cpr).to_contain_text("CPR-nummer")
    expect(cpr.locator("td").nth(2)).to_have_text("Ja")  # personal data
    activities = page.locator("#activities tbody tr")
    assert activities.count() >= 5
    # The same activities as a picture: one box each, with its unit and date.
    expect(page.locator("#graph g[data-box]")).to_have_count(activities.count())
    expect(page.locator("#graph g[data-box=it_equipment]")).to_contain_text("start_date −21 d")
    expect(page.locator("#activities")).to_contain_text("Når sagen starter")
    expect(page.locator("#source")).to_contain_text("key: hiring")
    a11y.check(page)

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hiring – Version {number}")
    expect(page.locator("#version-status")).to_have_text("Published")
    expect(page.locator("#fields tr[data-field=cpr]")).to_contain_text("CPR number")

    page.get_by_role("link", name="Back to the templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Templates")
    expect(page.locator(f"tr[data-template=hiring] li[data-version='{number}']")).to_contain_text(
        "Published"
    )
    a11y.check(page)


def test_a_reporter_is_refused_the_admin_area(page: Page, a11y: A11y) -> None:
    sign_in_to_admin(page, a11y, "Rita Reporter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    expect(page.get_by_text("Kun administratorer, procesejere og revisorer")).to_be_visible()
    a11y.check(page)
    page.goto("/admin/routing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    a11y.check(page)


def test_pia_reads_units_routing_rules_and_service_levels(page: Page, a11y: A11y) -> None:
    sign_in_to_admin(page, a11y, "Pia Procesejer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skabeloner")
    a11y.check(page)
    page.get_by_role("navigation").get_by_role("link", name="Enheder og routing").click()
    expect(page).to_have_url(re.compile(r"/admin/routing/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enheder og routing")

    payroll = page.locator("#units tr[data-unit=payroll]")
    expect(payroll.locator("li[data-queue=payroll]")).to_have_text("Løn – oprettelser og ændringer")
    expect(payroll.locator("li[data-member=lene]")).to_contain_text("Leder")
    rules = page.locator("#rules tbody tr")
    expect(rules.first).to_have_attribute("data-rule", "hr-by-type")
    expect(page.locator("#rules tr[data-rule=payroll-by-type]")).to_contain_text(
        'subcase_type.startsWith("payroll.")'
    )
    expect(page.locator("#rules tr[data-rule=fallback]")).to_contain_text("Visitation")
    expect(page.locator("#sla-targets tr[data-target='payroll.setup']")).to_contain_text("10")
    a11y.check(page)

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("Units and routing")
    expect(page.locator("#rules tr[data-rule=fallback]")).to_contain_text("Triage")
    page.get_by_role("navigation").get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Templates")
    a11y.check(page)


def test_ada_sees_what_waits_for_an_operator_and_pia_does_not(
    page: Page, a11y: A11y, api: Api
) -> None:
    sign_in_to_admin(page, a11y, "Ada Admin")
    page.get_by_role("navigation").get_by_role("link", name="Drift").click()
    expect(page).to_have_url(re.compile(r"/admin/operations$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Drift")
    expect(page.get_by_role("heading", level=2, name="Fastlåste sager")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Afviste hændelser")).to_be_visible()
    a11y.check(page)
    # The page shows what the operations API says.
    admin = api.headers("ada")
    stuck = api.http.get("/api/v1/operations/stuck-cases", headers=admin).json()
    letters = api.http.get("/api/v1/operations/dead-letters", headers=admin).json()["items"]
    if stuck:
        expect(page.locator("#stuck tbody tr")).to_have_count(len(stuck))
    else:
        expect(page.locator("#no-stuck")).to_have_text("Ingen sag sidder fast.")
    if letters:
        expect(page.locator("#letters tbody tr")).to_have_count(len(letters))
    else:
        expect(page.locator("#no-letters")).to_have_text("Ingen hændelse er afvist.")
    page.get_by_role("button", name="Log ud").click()

    sign_in_to_admin(page, a11y, "Pia Procesejer")
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Skabeloner")).to_be_visible()
    expect(nav.get_by_role("link", name="Drift")).to_have_count(0)
    a11y.check(page)
    page.goto("/admin/operations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    a11y.check(page)


def test_ada_test_runs_a_version_with_sample_data(page: Page, a11y: A11y) -> None:
    sign_in_to_admin(page, a11y, "Ada Admin")
    a11y.check(page)
    page.goto("/admin/templates/hiring/1")
    a11y.check(page)
    page.get_by_role("link", name="Prøvekør med eksempeldata").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prøvekørsel")
    sample = page.get_by_label("Eksempeldata (JSON med felternes nøgler)")
    expect(sample).to_contain_text('"weekly_hours"')
    a11y.check(page)

    page.get_by_role("button", name="Prøvekør").click()
    rows = page.locator("#result tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#result tr[data-included=yes]")).to_have_count(5)
    expect(page.locator("#result")).to_contain_text("Lønoprettelse")
    # where routing's active rules would send each sub-case
    payroll = page.locator("#result tr[data-activity=payroll_setup] [data-unit]")
    expect(payroll).to_contain_text("Løn")
    expect(payroll).to_contain_text("payroll-by-type")
    expect(page.locator("#routes-unavailable")).to_have_count(0)
    a11y.check(page)

    text = sample.input_value().replace('"weekly_hours": 1', '"weekly_hours": "mange"')
    sample.fill(text)
    page.get_by_role("button", name="Prøvekør").click()
    expect(page.get_by_role("alert")).to_contain_text("weekly_hours")
    expect(page.locator("#result")).to_have_count(0)
    a11y.check(page)
