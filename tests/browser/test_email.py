"""E-mail in the demo, in a real Chromium: Paula asks Rita a question and the mail, in
Danish, shows at the demo's mail page; Rolf chooses what he gets mail about, in Danish and
in English."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import A11y, Api, sign_in, switch_to_english, wait_until
from tests.browser.test_workspace import file_hiring

SUBJECT = "lifecase: Du har fået et spørgsmål om din sag"


def test_a_question_to_rita_arrives_as_a_danish_mail_at_the_demo_mail_page(
    page: Page, a11y: A11y, api: Api
) -> None:
    hiring = file_hiring(api)
    question = f"Hvilket lønnummer har {hiring.employee}?"
    api.ask(hiring.items["payroll"], "paula", question)

    def arrived() -> str | None:
        """The address of this question's mail page, once the mail is there (other tests
        send Rita questions too, so the newest mail need not be this one)."""
        listing = api.http.get("/dev/mail").text
        for link in re.findall(r'href="(/dev/mail/\d+)"', listing):
            if question in api.http.get(link).text:
                return str(link)
        return None

    mail = wait_until(arrived, what="the question's mail at /dev/mail")
    page.goto("/dev/mail")
    a11y.check(page)
    row = page.get_by_role("row").filter(has=page.locator(f'a[href="{mail}"]'))
    expect(row).to_contain_text("rita@demo.lifecase.dk")
    row.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    body = page.locator("pre")
    expect(body).to_contain_text(f"»{question}«")
    expect(body).to_contain_text(f"/portal/cases/{hiring.case_id}")
    expect(body).not_to_contain_text("0202851234")
    a11y.check(page)


def test_rolf_chooses_what_he_gets_mail_about(page: Page, a11y: A11y) -> None:
    sign_in(page, a11y, "Rolf Reporter")
    page.goto("/notifications/preferences")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indstillinger for e-mail")
    expect(page.get_by_text("rolf@demo.lifecase.dk")).to_be_visible()
    a11y.check(page)

    questions = page.get_by_role("group", name="Spørgsmål til dig")
    expect(questions.get_by_label("Med det samme")).to_be_checked()
    questions.get_by_label("I den daglige oversigt").check()
    page.get_by_role("group", name="Afsluttede sager").get_by_label("Ingen e-mail").check()
    page.get_by_role("button", name="Gem valg").click()
    expect(page.get_by_text("Dine valg er gemt.")).to_be_visible()
    expect(questions.get_by_label("I den daglige oversigt")).to_be_checked()
    a11y.check(page)

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail preferences")
    expect(
        page.get_by_role("group", name="Completed cases").get_by_label("No e-mail")
    ).to_be_checked()
