"""The conversation on Rita's case page, in a real Chromium: a message goes to the unit she
chooses and answers nothing; a task waiting for her says so and leads to its question; a
rejected task shows its reason and her next steps. Paula's queue shows that Rita answered."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import A11y, Api, sign_in, wait_until
from tests.browser.test_workspace import file_hiring, sign_in_to_workspace


def test_rita_writes_to_a_chosen_unit_answers_a_question_and_finds_a_way_past_a_rejection(
    page: Page, a11y: A11y, api: Api
) -> None:
    hiring = file_hiring(api)
    api.ask(hiring.payroll_item, "paula", "Hvilket lønnummer?")
    rejected = api.http.post(
        f"/api/v1/work-items/{hiring.items['it']}/reject",
        headers=api.headers("ivan"),
        json={"reason": "Udstyret er allerede bestilt"},
    )
    assert rejected.status_code == 200, rejected.text

    sign_in(page, a11y)
    page.goto(f"/portal/cases/{hiring.case_id}")
    rows = page.locator("#subcases tbody tr")
    payroll_row = rows.filter(has_text="Venter på dig")
    expect(payroll_row).to_have_count(1)
    expect(page.locator("#subcases")).to_contain_text("Udstyret er allerede bestilt")
    a11y.check(page)

    # A message to HR without a unit is refused; with one, it goes to HR only.
    box = page.get_by_role("heading", name="Skriv til en enhed").locator("xpath=..")
    box.get_by_label("Din besked").fill("Hun starter kl. 9")
    box.get_by_role("button", name="Send besked").click()
    expect(page.locator(".error-message").first).to_contain_text("Vælg en enhed.")
    a11y.check(page)
    box = page.get_by_role("heading", name="Skriv til en enhed").locator("xpath=..")
    box.get_by_label("Til").select_option(label="HR")
    box.get_by_role("button", name="Send besked").click()
    expect(page.locator(".notice")).to_contain_text("Din besked er sendt")
    expect(page.locator(".message-reply .addressee")).to_contain_text("Du til HR")
    expect(page.locator(".message-question")).not_to_contain_text("Besvaret")
    a11y.check(page)

    # The task waiting for her leads to its question, which she answers.
    page.locator("#subcases").get_by_role("link", name="Se spørgsmålet").click()
    expect(page.locator(".message-open")).to_contain_text("Hvilket lønnummer?")
    expect(page.locator(".message-question .addressee")).to_contain_text("paula (Løn) til dig")
    page.get_by_label("Dit svar").fill("4711")
    page.get_by_role("button", name="Send svar").click()
    expect(page.locator(".message-question")).to_contain_text("Besvaret")
    expect(page.locator("#subcases")).not_to_contain_text("Venter på dig")
    a11y.check(page)

    # The rejected IT task: answer and ask to reopen, or file again with the same data.
    page.locator("#subcases").get_by_role("link", name="Det kan du gøre nu").first.click()
    reopen = page.locator(f"#reopen-{hiring.items['it']}")
    expect(reopen).to_contain_text("Udstyret er allerede bestilt")
    reopen.get_by_label("Svar og bed om genåbning").fill("Bestillingen er annulleret")
    reopen.get_by_role("button", name=re.compile("^Send til")).click()
    expect(page.locator(".message-reply .addressee").last).to_contain_text("Du til It")
    a11y.check(page)

    page.locator(f"#reopen-{hiring.items['it']}").get_by_role(
        "button", name="Indberet igen med samme oplysninger"
    ).click()
    expect(page).to_have_url(re.compile(r"/portal/drafts/[0-9a-f]{32}$"))
    expect(page.get_by_label("Medarbejderens navn", exact=True)).to_have_value(hiring.employee)
    a11y.check(page)

    # Paula sees from her queue that Rita answered.
    paula = api.headers("paula")

    def answered() -> bool:
        item = api.http.get(f"/api/v1/work-items/{hiring.payroll_item}", headers=paula).json()
        return bool(item["reporter_answered"])

    wait_until(answered, what="the answer to reach payroll")
    page.context.clear_cookies()
    sign_in_to_workspace(page, a11y, "Paula Payroll", "/workspace/queues/payroll")
    row = page.locator(f'tr[data-item="{hiring.payroll_item}"]')
    expect(row).to_contain_text("Indberetteren har svaret")
    a11y.check(page)
    row.get_by_role("link").first.click()
    expect(page.locator("#messages")).to_contain_text("rita til paula")
    a11y.check(page)
