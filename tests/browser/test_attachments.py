"""A file on Rita's answer, in a real Chromium: she attaches a small PDF to her answer in the
portal, and Paula sees it with the reply on the item page and downloads the same bytes."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.support import A11y, Api, sign_in, wait_until
from tests.browser.test_workspace import file_hiring, sign_in_to_workspace

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_rita_attaches_a_pdf_to_her_answer_and_paula_downloads_it(
    page: Page, a11y: A11y, api: Api, tmp_path: Path
) -> None:
    hiring = file_hiring(api)
    api.ask(hiring.payroll_item, "paula", "Send kontrakten, tak")
    contract = tmp_path / "kontrakt.pdf"
    contract.write_bytes(PDF)

    sign_in(page, a11y)
    page.goto(f"/portal/cases/{hiring.case_id}#messages")
    question = page.locator(".message-open")
    expect(question).to_contain_text("Send kontrakten, tak")
    expect(question).to_contain_text("Op til 5 filer på højst 10 MB hver")
    a11y.check(page)
    question.get_by_label("Dit svar").fill("Her er den")
    question.get_by_label("Vedhæft filer (frivilligt)").set_input_files(contract)
    question.get_by_role("button", name="Send svar").click()
    expect(page.locator(".notice")).to_contain_text("Din besked er sendt")
    reply = page.locator(".message-reply")
    expect(reply.get_by_role("link", name="kontrakt.pdf")).to_be_visible()
    a11y.check(page)
    with page.expect_download() as mine:
        reply.get_by_role("link", name="kontrakt.pdf").click()
    assert Path(mine.value.path()).read_bytes() == PDF

    paula = api.headers("paula")

    def filed() -> bool:
        item = api.http.get(f"/api/v1/work-items/{hiring.payroll_item}", headers=paula).json()
        return any(m["attachments"] for m in item["messages"])

    wait_until(filed, what="the answer with its file to reach payroll")
    page.context.clear_cookies()
    sign_in_to_workspace(page, a11y, "Paula Payroll", f"/workspace/items/{hiring.payroll_item}")
    link = page.locator("#messages").get_by_role("link", name="kontrakt.pdf")
    expect(link).to_be_visible()
    a11y.check(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "kontrakt.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
