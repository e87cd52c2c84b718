"""A parental leave in several periods, from the reporter's side, in Danish: Rita adds a second
leave period with "Tilføj en periode" (no JavaScript needed, nothing typed is lost), the form
refuses a period that ends before it starts and says so next to that date and in the summary,
and once fixed, the preview and the case have one registration task per period."""

from __future__ import annotations

import re
from datetime import date, timedelta

from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, sign_in, unique_name

EMPLOYEE = "Orlovsperioder"
PARTNER = "Partnerens orlovsperioder"
REGISTRATION = "Registrering af orlovsperiode"


def ahead(days: int) -> date:
    return today_in_denmark() + timedelta(days=days)


def shown(day: date) -> str:
    """A date as the Danish pages write it (1. mar. 2027)."""
    return format_date(day, format="medium", locale="da_DK")


def period(page: Page, group: str, n: int) -> Locator:
    return page.get_by_role("group", name=group, exact=True).get_by_role(
        "group", name=f"Periode {n}", exact=True
    )


def fill_period(page: Page, group: str, n: int, start: date, end: date) -> None:
    row = period(page, group, n)
    row.get_by_label("Fra", exact=True).fill(start.isoformat())
    row.get_by_label("Til og med", exact=True).fill(end.isoformat())


def task(rows: Locator, title: str) -> Locator:
    return rows.filter(has=rows.page.get_by_role("rowheader", name=title, exact=True))


def registrations(rows: Locator) -> Locator:
    """The rows of the tasks that register an employee's leave period, one per period."""
    title = re.compile(rf"^{REGISTRATION} \(periode \d\)$")
    return rows.filter(has=rows.page.get_by_role("rowheader", name=title))


def test_rita_files_a_leave_in_two_periods_and_each_period_is_registered_on_its_own(
    page: Page, a11y: A11y, api: Api
) -> None:
    sign_in(page, a11y)
    page.get_by_role("link", name="Opret: Barselsorlov").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barselsorlov")
    employee = page.get_by_role("group", name=EMPLOYEE, exact=True)
    expect(employee.get_by_role("group")).to_have_count(1)  # one period to begin with
    a11y.check(page)

    # A second period, before anything else is filled in: no errors yet, nothing lost.
    first, second = (ahead(56), ahead(120)), (ahead(200), ahead(190))  # ends before it starts
    fill_period(page, EMPLOYEE, 1, *first)
    employee.get_by_role("button", name="Tilføj en periode").click()
    expect(period(page, EMPLOYEE, 2)).to_be_visible()
    expect(period(page, EMPLOYEE, 2).get_by_label("Fra", exact=True)).to_be_focused()
    expect(period(page, EMPLOYEE, 1).get_by_label("Fra", exact=True)).to_have_value(
        first[0].isoformat()
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    a11y.check(page)

    name = unique_name("Ida")
    page.get_by_label("Medarbejderens navn", exact=True).fill(name)
    page.get_by_label("CPR-nummer", exact=True).fill("010190-1234")
    page.get_by_label("Forventet fødselsdato", exact=True).fill(ahead(70).isoformat())
    fill_period(page, EMPLOYEE, 2, *second)
    page.get_by_label("Partneren er også ansat i kommunen").check()
    page.get_by_label("Partnerens navn", exact=True).fill(unique_name("Jonas"))
    page.get_by_label("Partnerens CPR-nummer", exact=True).fill("020285-1234")
    page.get_by_label("Partnerens afdeling", exact=True).fill("Vej og Park")
    partner = (ahead(70), ahead(84))
    fill_period(page, PARTNER, 1, *partner)
    a11y.check(page)

    # A draft keeps both periods.
    page.get_by_role("button", name="Gem som kladde").click()
    expect(page.get_by_role("status")).to_contain_text("Din kladde er gemt")
    second_end = period(page, EMPLOYEE, 2).get_by_label("Til og med", exact=True)
    expect(second_end).to_have_value(second[1].isoformat())
    a11y.check(page)

    # The second period ends before it starts: refused, with the reason next to its end date.
    page.get_by_role("button", name="Se hvad der sker").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Orlovsperioder, periode 2, Til og med: Må ikke ligge før Fra.")
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(second_end).to_have_attribute("aria-invalid", "true")
    expect(period(page, EMPLOYEE, 2)).to_contain_text("Må ikke ligge før Fra.")
    expect(period(page, EMPLOYEE, 1)).not_to_contain_text("Må ikke")
    expect(period(page, PARTNER, 1).get_by_label("Fra", exact=True)).to_have_value(
        partner[0].isoformat()
    )
    assert api.cases_of(name) == []
    a11y.check(page)
    summary.get_by_role("link").click()
    expect(second_end).to_be_focused()

    second = (ahead(200), ahead(230))
    second_end.fill(second[1].isoformat())
    page.get_by_role("button", name="Se hvad der sker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det sker der, når du indsender")
    tasks = page.locator("#preview tbody tr")
    expect(tasks).to_have_count(8)  # three per period of the employee, two for the partner's
    expect(registrations(tasks)).to_have_count(2)
    expect(task(tasks, f"{REGISTRATION} (periode 2)")).to_contain_text("HR")
    filled_in = page.locator("#filled-in")
    expect(filled_in).to_contain_text(
        f"Periode 2: Fra: {shown(second[0])}, Til og med: {shown(second[1])}"
    )
    a11y.check(page)

    page.get_by_role("button", name="Indsend sagen").click()
    expect(page).to_have_url(re.compile(r"/portal/cases/[0-9a-f-]{36}$"))
    rows = page.locator("#subcases tbody tr")
    expect(rows).to_have_count(8)
    expect(registrations(rows)).to_have_count(2)
    for n in (1, 2):
        expect(task(rows, f"{REGISTRATION} (periode {n})")).to_contain_text("Hos enheden")
    expect(page.get_by_role("definition").filter(has_text="Periode 1: Fra")).to_have_count(2)
    a11y.check(page)

    [case] = api.cases_of(name)
    assert case["data"]["leave_periods"] == [
        {"start": first[0].isoformat(), "end": first[1].isoformat()},
        {"start": second[0].isoformat(), "end": second[1].isoformat()},
    ]
    assert case["data"]["partner_leave_periods"] == [
        {"start": partner[0].isoformat(), "end": partner[1].isoformat()}
    ]
    activities = sorted(s["activity"] for s in api.case(case["id"])["subcases"])
    assert [a for a in activities if a.startswith("leave_periods")] == [
        "leave_periods_1",
        "leave_periods_2",
    ]


def test_a_leave_in_periods_is_filed_with_the_form_and_not_from_a_csv_file(
    page: Page, a11y: A11y
) -> None:
    sign_in(page, a11y)
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Barselsorlov", exact=True)
    )
    expect(card.get_by_role("link", name="Opret: Barselsorlov")).to_be_visible()
    expect(card.get_by_role("link", name=re.compile("CSV"))).to_have_count(0)
    page.goto("/portal/bulk/parental_leave")
    expect(page.get_by_role("main")).to_contain_text(
        "Denne hændelse kan ikke indsendes fra en CSV-fil"
    )
    a11y.check(page)
