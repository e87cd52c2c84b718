"""A parental-leave case from the reporter's side, in Danish: the partner's fields appear when
the partner is employed, the preview lists the partner's tasks, and on the case page the
reporter answers a caseworker's question, moves a date and finally withdraws the case. (Leave
in several periods: test_leave_periods.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, sign_in, unique_name


def task(rows: Locator, title: str) -> Locator:
    """The row of the task with this title (titles contain one another)."""
    return rows.filter(has=rows.page.get_by_role("rowheader", name=title, exact=True))


def ahead(days: int) -> str:
    return (today_in_denmark() + timedelta(days=days)).isoformat()


def period(page: Page, group: str, n: int) -> Locator:
    """Row ``n`` of a repeatable group of the form: "Periode 2" of "Orlovsperioder"."""
    return page.get_by_role("group", name=group, exact=True).get_by_role(
        "group", name=f"Periode {n}", exact=True
    )


def fill_period(page: Page, group: str, n: int, start: str, end: str) -> None:
    row = period(page, group, n)
    row.get_by_label("Fra", exact=True).fill(start)
    row.get_by_label("Til og med", exact=True).fill(end)


def fill_parental_leave(page: Page, name: str) -> None:
    page.get_by_label("Medarbejderens navn", exact=True).fill(name)
    page.get_by_label("CPR-nummer", exact=True).fill("010190-1234")
    page.get_by_label("Forventet fødselsdato", exact=True).fill(ahead(70))
    fill_period(page, "Orlovsperioder", 1, ahead(56), ahead(300))


def fill_partner(page: Page) -> None:
    page.get_by_label("Partnerens navn", exact=True).fill(unique_name("Jonas"))
    page.get_by_label("Partnerens CPR-nummer", exact=True).fill("020285-1234")
    page.get_by_label("Partnerens afdeling", exact=True).fill("Vej og Park")
    fill_period(page, "Partnerens orlovsperioder", 1, ahead(70), ahead(84))


def test_a_parental_leave_with_an_employed_partner_is_previewed_filed_answered_moved_and_withdrawn(
    page: Page, a11y: A11y, api: Api
) -> None:
    sign_in(page, a11y)
    page.get_by_role("link", name="Opret: Barselsorlov").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barselsorlov")
    partner_name = page.get_by_label("Partnerens navn", exact=True)
    expect(partner_name).to_be_hidden()  # no partner in the municipality: nothing to ask
    a11y.check(page)

    name = unique_name("Sara")
    fill_parental_leave(page, name)
    page.get_by_label("Partneren er også ansat i kommunen").check()
    expect(partner_name).to_be_visible()
    fill_partner(page)
    a11y.check(page)

    page.get_by_role("button", name="Se hvad der sker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det sker der, når du indsender")
    tasks = page.locator("#preview tbody tr")
    expect(tasks).to_have_count(5)
    partner_task = task(tasks, "Registrering af partnerens orlov (periode 1)")
    expect(partner_task).to_contain_text("HR")
    expect(partner_task).to_contain_text("Partnerens navn")
    expect(task(tasks, "Lønregulering for partneren (periode 1)")).to_contain_text(
        "Når Registrering af partnerens orlov (periode 1) er klaret"
    )
    a11y.check(page)

    page.get_by_role("button", name="Indsend sagen").click()
    expect(page).to_have_url(re.compile(r"/portal/cases/[0-9a-f-]{36}$"))
    rows = page.locator("#subcases tbody tr")
    expect(rows.filter(has_text="Hos enheden")).to_have_count(2)  # no reload
    expect(task(rows, "Registrering af partnerens orlov (periode 1)")).to_contain_text(
        "Hos enheden"
    )
    expect(task(rows, "Lønregulering for partneren (periode 1)")).to_contain_text(
        "Venter på: Registrering af partnerens orlov (periode 1)"
    )
    expect(task(rows, "Refusionsanmodning (barselsdagpenge) (periode 1)")).to_contain_text("Åbner")
    a11y.check(page)

    # HR asks a question; it is highlighted on the case page and answered there.
    [case] = api.cases_of(name)
    periods = next(s for s in case["subcases"] if s["activity"] == "leave_periods_1")
    api.ask(periods["id"], "hans", "Hvilken uge starter orloven?")
    alert = page.get_by_role("note")
    expect(alert).to_contain_text("En sagsbehandler har et spørgsmål til dig.")  # no reload
    a11y.check(page)
    alert.get_by_role("link", name="Svar på det").click()
    expect(page.locator(".message-open")).to_contain_text("Hvilken uge starter orloven?")
    a11y.check(page)
    page.get_by_label("Dit svar").fill("Uge 12")
    page.get_by_role("button", name="Send svar").click()
    expect(page.locator(".notice")).to_contain_text("Din besked er sendt")
    expect(page.locator(".message-reply")).to_contain_text("Uge 12")
    a11y.check(page)

    # The child is expected a week later: first what moves (no task: the periods set the
    # tasks' dates), then the timeline says so.
    page.get_by_role("link", name="Ret datoer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ret datoer")
    a11y.check(page)
    page.get_by_label("Forventet fødselsdato", exact=True).fill(ahead(77))
    page.get_by_label("Hvorfor ændres datoerne?").fill("Terminen er rykket en uge")
    page.get_by_role("button", name="Se hvad der flytter").click()
    moves = page.locator("#moves")
    expect(moves).to_contain_text("Det flytter")
    expect(moves).to_contain_text("Ingen opgaver flytter")
    expect(page.get_by_label("Forventet fødselsdato", exact=True)).to_have_value(ahead(77))
    a11y.check(page)
    page.get_by_role("button", name="Gem de nye datoer").click()
    expect(page.locator("#timeline")).to_contain_text("Datoer ændret (Forventet fødselsdato).")
    expect(page.locator("#timeline")).to_contain_text("Terminen er rykket en uge")
    a11y.check(page)

    # Withdrawing asks for a reason, and the case then says it is withdrawn.
    page.get_by_role("link", name="Træk sagen tilbage").click()
    a11y.check(page)
    page.get_by_role("button", name="Ja, træk sagen tilbage").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv en begrundelse.")
    a11y.check(page)
    page.get_by_label("Hvorfor trækkes sagen tilbage?").fill("Medarbejderen fratræder")
    page.get_by_role("button", name="Ja, træk sagen tilbage").click()
    expect(page.locator("#case-status")).to_contain_text("Trukket tilbage")
    expect(page.locator("#timeline")).to_contain_text("Begrundelse: Medarbejderen fratræder")
    expect(rows.filter(has_text="Annulleret")).to_have_count(5)
    expect(rows.first).to_contain_text("sagen er trukket tilbage")
    expect(page.get_by_role("link", name="Ret datoer")).to_have_count(0)
    a11y.check(page)


def test_the_case_page_reads_on_a_375_pixel_phone_without_sideways_scrolling(
    page: Page, a11y: A11y, api: Api
) -> None:
    employee = unique_name("Jens")
    filed = api.http.post(
        "/api/v1/cases",
        headers=api.headers("rita"),
        json={
            "event_type": "hiring",
            "data": {
                "employee_name": employee,
                "cpr": "0303851234",
                "start_date": ahead(7),
                "position": "Lærer",
                "department": "Skovvejens Skole",
                "employment_type": "permanent",
                "weekly_hours": 37,
            },
        },
    )
    assert filed.status_code == 201, filed.text
    case = filed.json()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, a11y)
    page.goto(f"/portal/cases/{case['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ansættelse · {employee}")
    expect(page.locator("#tasks tbody tr")).to_have_count(5, timeout=30_000)
    expect(page.get_by_text(case["case_number"], exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= 375")
    a11y.check(page)

    page.goto(f"/portal/cases/{case['id']}/withdraw")
    expect(page.locator("#withdraw-effects li")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth <= 375")
    a11y.check(page)
