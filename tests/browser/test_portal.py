"""The reporter portal as a reporter uses it, in a real Chromium, in Danish and in English."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, sign_in, switch_to_english, unique_name, wait_until

UNIT_WORKERS = {"hr": "hans", "payroll": "paula", "it": "ivan", "facilities": "frida"}

SOON = (today_in_denmark() + timedelta(days=7)).isoformat()  # all five sub-cases open now


def fill_hiring(page: Page, name: str, *, english: bool) -> None:
    """Fill the hiring form as a person would: by the labels they read."""
    if english:
        page.get_by_label("Employee name").fill(name)
        page.get_by_label("CPR number").fill("010190-1234")
        page.get_by_label("First working day").fill(SOON)
        page.get_by_label("Job title").fill("Pedagogue")
        page.get_by_label("Permanent").check()
        page.get_by_label("Weekly hours").fill("37")
        page.get_by_label("Needs a laptop").check()
    else:
        page.get_by_label("Medarbejderens navn").fill(name)
        page.get_by_label("CPR-nummer").fill("010190-1234")
        page.get_by_label("Første arbejdsdag").fill(SOON)
        page.get_by_label("Stillingsbetegnelse").fill("Pædagog")
        page.get_by_label("Fastansat").check()
        page.get_by_label("Ugentlige timer").fill("37,5")


def notice_days() -> int:
    """How many days ahead SOON is now (7, unless the day changed since the tests began)."""
    return (date.fromisoformat(SOON) - today_in_denmark()).days


def preview_and_submit(
    page: Page,
    a11y: A11y,
    *,
    english: bool,
    double_click: bool = False,
    warning: str | None = None,
) -> None:
    """From a filled form, through the preview of what will happen (with ``warning`` in its
    warning panel, when given), to the case page."""
    page.get_by_role("button", name="See what happens" if english else "Se hvad der sker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What happens when you submit" if english else "Det sker der, når du indsender"
    )
    if warning is not None:
        expect(page.locator("#notice-warnings")).to_contain_text(warning)
    a11y.check(page)
    submit = page.get_by_role("button", name="Submit case" if english else "Indsend sagen")
    if double_click:
        submit.dblclick()
    else:
        submit.click()
    expect(page).to_have_url(re.compile(r"/portal/cases/[0-9a-f-]{36}$"))


def open_hiring_form(page: Page, a11y: A11y, *, english: bool) -> None:
    page.get_by_role("link", name="File: Hiring" if english else "Opret: Ansættelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hiring" if english else "Ansættelse")
    a11y.check(page)


def test_signing_in_shows_the_life_events_in_danish_with_english_one_click_away(
    page: Page, a11y: A11y
) -> None:
    sign_in(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("Opret en sag")
    expect(page.get_by_role("heading", name="Ansættelse")).to_be_visible()
    expect(page.get_by_text("Ny medarbejder starter.")).to_be_visible()

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("File a case")
    expect(page.get_by_role("heading", name="Hiring")).to_be_visible()
    expect(page.get_by_text("A new employee starts.")).to_be_visible()

    page.get_by_role("navigation").get_by_role(
        "link", name="My cases"
    ).click()  # the choice is remembered
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    a11y.check(page)


def test_a_hiring_case_filed_in_english_shows_its_tasks_as_they_are_routed_and_resolved(
    page: Page, a11y: A11y, api: Api
) -> None:
    sign_in(page, a11y)
    switch_to_english(page, a11y)
    open_hiring_form(page, a11y, english=True)
    expect(page.get_by_label("Department")).to_have_value("Børne- og Ungeforvaltningen")
    employee = page.get_by_label("Employee name")
    expect(employee).to_have_accessible_description("At most 200 characters")
    expect(employee).to_have_attribute("maxlength", "200")

    page.get_by_role("button", name="See what happens").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Employee name: This field is required.")
    expect(summary).to_be_focused()
    a11y.check(page)

    name = unique_name()
    fill_hiring(page, name, english=True)
    page.get_by_role("button", name="See what happens").click()
    preview = page.locator("#preview tbody tr")
    expect(preview).to_have_count(5)
    expect(preview.filter(has_text="Payroll setup")).to_contain_text("Payroll – setup and changes")
    # A start at short notice is a warning beside the plan, not an error: it can be submitted.
    warning = page.locator("#notice-warnings")
    expect(warning.get_by_role("heading")).to_have_text("Warning: short notice")
    expect(warning).to_contain_text(
        f"First working day is in {notice_days()} days. The units ask for at least 14 days' "
        "notice, so some tasks may be late."
    )
    expect(warning).to_contain_text("You can still submit the case.")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit case")).to_be_visible()
    a11y.check(page)
    page.get_by_role("button", name="Submit case").click()
    expect(page).to_have_url(re.compile(r"/portal/cases/[0-9a-f-]{36}$"))
    rows = page.locator("#subcases tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.filter(has_text="With the unit")).to_have_count(5)
    expect(rows.filter(has_text="Payroll setup")).to_contain_text("Payroll – setup and changes")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hiring · {name}")
    expect(page.get_by_text(name, exact=True)).to_be_visible()
    a11y.check(page)

    [case] = api.cases_of(name)
    contract = next(s for s in case["subcases"] if s["activity"] == "employment_contract")
    api.resolve(contract["id"], UNIT_WORKERS[contract["unit"]])
    expect(rows.filter(has_text="Employment contract")).to_contain_text("Done")  # no reload
    expect(page.get_by_text("1 of 5 tasks done.")).to_be_visible()
    a11y.check(page)


def test_a_hiring_case_filed_in_danish_explains_a_wrong_cpr_number_in_danish(
    page: Page, a11y: A11y, api: Api
) -> None:
    sign_in(page, a11y)
    open_hiring_form(page, a11y, english=False)
    name = unique_name("Søren")
    fill_hiring(page, name, english=False)
    page.get_by_label("CPR-nummer").fill("320190-1234")
    page.get_by_role("button", name="Se hvad der sker").click()

    expect(page.get_by_role("alert")).to_contain_text("CPR-nummer: Ikke et gyldigt CPR-nummer.")
    cpr = page.get_by_label("CPR-nummer")
    expect(cpr).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Medarbejderens navn")).to_have_value(name)  # nothing is lost
    expect(page.get_by_label("Stillingsbetegnelse")).to_have_accessible_description(
        "Højst 200 tegn"
    )
    assert api.cases_of(name) == []
    a11y.check(page)

    cpr.fill("010190-1234")
    preview_and_submit(
        page,
        a11y,
        english=False,
        warning=f"Første arbejdsdag er om {notice_days()} dage. Enhederne beder om mindst 14 "
        "dages varsel, så nogle opgaver kan blive forsinkede.",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ansættelse · {name}")
    expect(page.locator("#subcases tbody tr").filter(has_text="Hos enheden")).to_have_count(5)
    expect(page.get_by_text("37,5")).to_be_visible()
    a11y.check(page)


def test_a_double_click_on_submit_files_one_case(page: Page, a11y: A11y, api: Api) -> None:
    sign_in(page, a11y)
    open_hiring_form(page, a11y, english=False)
    name = unique_name("Dorte")
    fill_hiring(page, name, english=False)

    preview_and_submit(page, a11y, english=False, double_click=True)
    a11y.check(page)
    first_case = page.url

    page.reload()  # the submit was answered with a redirect, so a reload posts nothing again
    expect(page).to_have_url(first_case)
    a11y.check(page)

    page.get_by_role("navigation").get_by_role("link", name="Mine sager").click()
    page.get_by_label("Søg", exact=True).fill(name)
    expect(page.get_by_role("status").filter(has_text="sag")).to_have_text("1 sag")
    expect(page.get_by_role("link", name=name)).to_have_count(1)
    a11y.check(page)
    assert len(api.cases_of(name)) == 1


def test_a_draft_is_saved_and_finished_later(page: Page, a11y: A11y, api: Api) -> None:
    sign_in(page, a11y)
    open_hiring_form(page, a11y, english=False)
    name = unique_name("Karen")
    page.get_by_label("Medarbejderens navn").fill(name)
    page.get_by_label("Ugentlige timer").fill("37,5")
    page.get_by_role("button", name="Gem som kladde").click()
    expect(page.get_by_role("status")).to_contain_text("Din kladde er gemt")
    a11y.check(page)
    assert api.cases_of(name) == []

    page.get_by_role("navigation").get_by_role("link", name="Ny sag").click()
    a11y.check(page)
    page.get_by_role("link", name="Fortsæt: Ansættelse").first.click()
    expect(page.get_by_label("Medarbejderens navn")).to_have_value(re.compile("Test"))
    a11y.check(page)
    page.get_by_label("Medarbejderens navn").fill(name)
    fill_hiring(page, name, english=False)
    preview_and_submit(page, a11y, english=False)
    a11y.check(page)
    assert len(api.cases_of(name)) == 1


def test_my_cases_lists_each_case_with_its_status_and_can_be_searched_and_filtered(
    page: Page, a11y: A11y, api: Api
) -> None:
    names = [unique_name("Anna"), unique_name("Bo")]
    for name in names:
        response = api.http.post(
            "/api/v1/cases",
            headers=api.headers("rolf"),
            json={"event_type": "hiring", "data": _hiring(name)},
        )
        assert response.status_code == 201, response.text
    wait_until(
        lambda: all(c["status"] == "in_progress" for c in api.cases("rolf")),
        what="rolf's cases to be in progress",
    )

    sign_in(page, a11y, "Rolf Reporter")
    page.get_by_role("navigation").get_by_role("link", name="Mine sager").click()
    rows = page.locator("#case-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(names[1])  # newest first
    expect(rows.first).to_contain_text("Ansættelse")
    expect(rows.first).to_contain_text("I gang")
    a11y.check(page)

    page.get_by_label("Søg", exact=True).fill(names[0])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(names[0])
    a11y.check(page)

    page.get_by_label("Status").select_option(label="Afsluttet")
    expect(page.get_by_text("Ingen sager passer til din søgning.")).to_be_visible()
    a11y.check(page)
    assert names[0] not in page.url  # the search text never reaches the address bar


def _hiring(name: str) -> dict[str, object]:
    return {
        "employee_name": name,
        "cpr": "0101901234",
        "start_date": SOON,
        "position": "Pædagog",
        "department": "Vejcenteret",
        "employment_type": "temporary",
        "weekly_hours": 37,
    }
