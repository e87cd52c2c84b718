"""A question and its answer, the whole way round, with two people in two browsers: Paula asks
Rita something in the workspace; Rita's bell counts it while her case page stays open and a
Danish mail reaches the demo's SMTP server; Rita writes to IT (which answers nothing), then
answers Paula's question; Paula's queue says Rita answered and her inbox has the notice.
A task IT rejects shows Rita its reason and what she can do next."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.support import A11y, Api, sign_in, wait_until
from tests.browser.test_workspace import file_hiring, sign_in_to_workspace

QUESTION_MAIL = "lifecase: Du har fået et spørgsmål om din sag"


def unread_on_bell(page: Page) -> int:
    value = page.locator(".inbox-bell").get_attribute("data-unread")
    return int(value) if value is not None else -1


def test_a_question_reaches_rita_live_and_by_mail_and_her_answer_reaches_paula(
    page: Page, browser: Browser, base_url: str, a11y: A11y, api: Api
) -> None:
    hiring = file_hiring(api)
    question = f"Hvilket lønnummer skal {hiring.employee} have?"

    # Rita has her case open; the page stays the same page from here on.
    sign_in(page, a11y)
    page.goto(f"/portal/cases/{hiring.case_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(hiring.employee)
    a11y.check(page)
    before = wait_until(
        lambda: unread_on_bell(page) if unread_on_bell(page) >= 0 else None,
        what="the bell's first count",
    )
    page.evaluate("window.stillTheSamePage = true")

    # Paula, in her own browser, takes the payroll task and asks Rita.
    paula_context = browser.new_context(base_url=base_url, locale="da-DK")
    paula = paula_context.new_page()
    paula.set_default_timeout(15_000)
    try:
        sign_in_to_workspace(
            paula, a11y, "Paula Payroll", f"/workspace/items/{hiring.payroll_item}"
        )
        paula.get_by_role("button", name="Tag opgaven").click()
        expect(paula.locator("#item-assignee")).to_have_text("Paula Payroll")
        a11y.check(paula)
        paula.get_by_label("Spørgsmål til indberetteren").fill(question)
        paula.get_by_role("button", name="Send spørgsmål").click()
        expect(paula.locator("#item-status")).to_have_text("Venter på indberetteren")
        a11y.check(paula)

        # Rita's bell counts the question without a reload.
        wait_until(lambda: unread_on_bell(page) > before or None, what="rita's bell to count up")
        expect(
            page.get_by_role("link", name=re.compile(r"^Notifikationer, \d+ ulæst"))
        ).to_be_visible()
        assert page.evaluate("window.stillTheSamePage") is True

        # ... and a Danish mail for her reached the demo's SMTP server, quoting the question
        # and linking to the case, without the employee's CPR number.
        def mail() -> str | None:
            listing = api.http.get("/dev/mail")
            for link in re.findall(r'href="(/dev/mail/\d+)"', listing.text):
                body = api.http.get(link).text
                if question in body and QUESTION_MAIL in body:
                    return body
            return None

        body = wait_until(mail, what="the question's mail")
        assert "rita@demo.lifecase.dk" in body
        assert f"/portal/cases/{hiring.case_id}" in body
        assert "0202851234" not in body

        # Rita writes to IT: it reaches IT only, and Paula's question stays open.
        page.reload()
        expect(page.locator(".message-open")).to_contain_text(question)
        a11y.check(page)
        box = page.get_by_role("heading", name="Skriv til en enhed").locator("xpath=..")
        box.get_by_label("Til").select_option(label="It")
        box.get_by_label("Din besked").fill("Hun skal have en bærbar")
        box.get_by_role("button", name="Send besked").click()
        expect(page.locator(".message-reply .addressee").last).to_contain_text("Du til It")
        expect(page.locator(".message-question")).not_to_contain_text("Besvaret")
        a11y.check(page)

        def messages(subcase_id: str, user: str) -> list[dict[str, Any]]:
            item = api.http.get(f"/api/v1/work-items/{subcase_id}", headers=api.headers(user))
            assert item.status_code == 200, item.text
            return list(item.json()["messages"])

        wait_until(
            lambda: (
                any(
                    c["text"] == "Hun skal have en bærbar"
                    for c in messages(hiring.items["it"], "ivan")
                )
                or None
            ),
            what="the note to reach IT",
        )
        assert not any(
            c["text"] == "Hun skal have en bærbar" for c in messages(hiring.payroll_item, "paula")
        )
        payroll_item = api.http.get(
            f"/api/v1/work-items/{hiring.payroll_item}", headers=api.headers("paula")
        ).json()
        assert payroll_item["status"] == "waiting_for_reporter"
        assert payroll_item["reporter_answered"] is False

        # Rita answers Paula's question.
        page.get_by_label("Dit svar").fill("Lønnummer 4711")
        page.get_by_role("button", name="Send svar").click()
        expect(page.locator(".message-question")).to_contain_text("Besvaret")
        a11y.check(page)

        # Paula's queue says Rita answered, and her inbox has the notice.
        def answered() -> bool:
            item = api.http.get(
                f"/api/v1/work-items/{hiring.payroll_item}", headers=api.headers("paula")
            ).json()
            return bool(item["reporter_answered"]) and item["status"] == "claimed"

        wait_until(answered, what="the answer to reach payroll")
        paula.goto("/workspace/queues/payroll?mine=1")
        row = paula.locator(f'tr[data-item="{hiring.payroll_item}"]')
        expect(row).to_contain_text("Indberetteren har svaret")
        a11y.check(paula)
        wait_until(lambda: unread_on_bell(paula) > 0 or None, what="paula's bell to count")
        paula.locator(".inbox-bell").click()
        notice = (
            paula.locator(".inbox-item")
            .filter(has_text="Indberetteren svarede på »Lønoprettelse«")
            .first
        )
        expect(notice).to_be_visible()
        expect(notice.get_by_role("link")).to_have_attribute(
            "href", f"/workspace/items/{hiring.payroll_item}"
        )
        a11y.check(paula)
    finally:
        paula_context.close()

    # IT refuses its task: Rita's case page shows why and what she can do now.
    rejected = api.http.post(
        f"/api/v1/work-items/{hiring.items['it']}/reject",
        headers=api.headers("ivan"),
        json={"reason": "Udstyret er allerede bestilt"},
    )
    assert rejected.status_code == 200, rejected.text

    def shows_rejection() -> bool:
        page.reload()
        return "Udstyret er allerede bestilt" in page.locator("#subcases").inner_text()

    wait_until(shows_rejection, what="the rejection on rita's case page")
    page.locator("#subcases").get_by_role("link", name="Det kan du gøre nu").first.click()
    reopen = page.locator(f"#reopen-{hiring.items['it']}")
    expect(reopen.get_by_label("Svar og bed om genåbning")).to_be_visible()
    expect(reopen.get_by_role("button", name="Indberet igen med samme oplysninger")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Udstyret er allerede bestilt")
    a11y.check(page)
