""" "Describe what happened" in a real Chromium: Rita writes a sentence instead of picking a
form, is offered the life event that fits with why and what it already fills in, and opens
the form prefilled; a text that fits no form becomes a general request that lands in the
triage queue. Nothing is filed until she submits a form."""

from __future__ import annotations

import re
import uuid
from datetime import date

from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, sign_in, switch_to_english

LEAVE_TEXT = "hun skal på barsel fra 1. april"


def next_first_of_april() -> date:
    today = today_in_denmark()
    this_year = date(today.year, 4, 1)
    return this_year if this_year > today else date(today.year + 1, 4, 1)


def describe(page: Page, a11y: A11y, text: str, *, english: bool = False) -> Locator:
    """Ask for the forms that fit ``text`` from the start page; the suggestions, in order."""
    page.get_by_label("Describe what happened" if english else "Beskriv hvad der er sket").fill(
        text
    )
    page.get_by_role(
        "button", name="Find the right form" if english else "Find den rigtige formular"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Forms that may fit" if english else "Formularer, der kan passe"
    )
    a11y.check(page)
    return page.locator("[data-suggestion]")


def test_rita_describes_a_parental_leave_and_the_form_opens_with_the_start_date(
    page: Page, a11y: A11y, api: Api
) -> None:
    start = next_first_of_april()
    sign_in(page, a11y)
    suggestions = describe(page, a11y, LEAVE_TEXT)
    first = suggestions.first
    expect(first).to_have_attribute("data-suggestion", "parental_leave")
    expect(first.get_by_role("heading", level=2)).to_have_text("Barselsorlov")
    expect(first).to_contain_text("Sandsynligt")
    expect(first).to_contain_text("Fordi teksten nævner: »barsel«")
    expect(first.locator("[data-prefilled]")).to_have_text(
        f"Orlovsperioder, periode 1, Fra: {format_date(start, format='medium', locale='da_DK')}"
    )
    # Offered too, after the suggestions: a general request.
    expect(page.get_by_role("button", name=re.compile("^Ingen af dem passer"))).to_be_visible()

    before = len(api.cases())
    first.get_by_role("button", name=re.compile("^Brug denne formular")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barselsorlov")
    row = page.get_by_role("group", name="Orlovsperioder", exact=True).get_by_role(
        "group", name="Periode 1", exact=True
    )
    expect(row.get_by_label("Fra", exact=True)).to_have_value(start.isoformat())
    expect(row.get_by_label("Til og med", exact=True)).to_have_value("")
    expect(page.get_by_label("Afdeling", exact=True)).to_have_value("Børne- og Ungeforvaltningen")
    a11y.check(page)
    assert len(api.cases()) == before, "nothing is filed before Rita submits the form"


def test_a_text_that_fits_no_form_is_sent_as_a_general_request_to_triage(
    page: Page, a11y: A11y, api: Api
) -> None:
    text = f"xqzzy blorp fnord {uuid.uuid4().hex[:8]}"
    sign_in(page, a11y)
    suggestions = describe(page, a11y, text)
    expect(page.locator("[data-describe=not-confident]")).to_contain_text(
        "Vi kan ikke se, hvilken formular det er."
    )
    expect(suggestions.first).to_have_attribute("data-suggestion", "general_request")
    suggestions.first.get_by_role("button", name=re.compile("send en generel henvendelse")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Generel henvendelse")
    expect(page.get_by_label("Beskriv din henvendelse")).to_have_value(text)
    a11y.check(page)
    page.get_by_role("button", name="Se hvad der sker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det sker der, når du indsender")
    a11y.check(page)
    page.get_by_role("button", name="Indsend sagen").click()

    expect(page).to_have_url(re.compile(r"/portal/cases/[0-9a-f-]+$"))
    task = page.locator("#tasks tr[data-activity=request]")
    expect(task).to_contain_text("Henvendelse")
    expect(task).to_contain_text("Visitation", timeout=30_000)
    a11y.check(page)
    [case] = [c for c in api.cases() if c["data"].get("description") == text]
    assert [s["queue"] for s in api.case(case["id"])["subcases"]] == ["triage"]


def test_the_describe_page_in_english(page: Page, a11y: A11y) -> None:
    sign_in(page, a11y)
    switch_to_english(page, a11y)
    suggestions = describe(page, a11y, "she is going on parental leave from 1 April", english=True)
    first = suggestions.first
    expect(first).to_have_attribute("data-suggestion", "parental_leave")
    expect(first.get_by_role("heading", level=2)).to_have_text("Parental leave")
    expect(first).to_contain_text("Because the text mentions:")
    expect(first.get_by_role("button", name=re.compile("^Use this form"))).to_be_visible()
    expect(
        page.get_by_role("button", name=re.compile("^None of them fits – send a general request"))
    ).to_be_visible()
