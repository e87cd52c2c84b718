"""The access log as an auditor uses it, in a real Chromium: Alma finds who read a case's
work item, in Danish and in English, and exports it as CSV; a reporter never sees it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.support import A11y, Api, sign_in, switch_to_english, wait_until
from tests.browser.test_workspace import file_hiring


def test_an_auditor_finds_who_read_a_case_and_exports_it(
    page: Page, a11y: A11y, api: Api, tmp_path: Path
) -> None:
    hiring = file_hiring(api)
    item = api.http.get(f"/api/v1/work-items/{hiring.payroll_item}", headers=api.headers("paula"))
    assert item.status_code == 200, item.text

    def logged() -> bool:
        lines = api.http.get(
            "/api/v1/access-log",
            headers=api.headers("alma"),
            params={"case_id": hiring.case_id, "actor": "paula"},
        ).json()
        return bool(lines)

    wait_until(logged, what="paula's read in the access log")

    sign_in(page, a11y, "Alma Auditor")
    page.get_by_role("link", name="Adgangslog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adgangslog")
    a11y.check(page)

    page.get_by_label("Sagsnummer").fill(hiring.case_id)
    page.get_by_label("Bruger").fill("paula")
    page.get_by_role("button", name="Søg").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Læste en opgave")
    expect(rows.first).to_contain_text("member of unit payroll")
    a11y.check(page)

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    page.get_by_label("Case number").fill(hiring.case_id)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Read a work item").first).to_be_visible()
    a11y.check(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Export as CSV").click()
    saved = tmp_path / "access-log.csv"
    download.value.save_as(saved)
    rows_out = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert {(r["actor"], r["action"]) for r in rows_out} >= {
        ("rita", "case.filed"),
        ("paula", "work_item.read"),
    }
    assert all(r["case_id"] == hiring.case_id for r in rows_out)
    assert hiring.employee not in saved.read_text(encoding="utf-8")


def test_a_reporter_has_no_access_log(page: Page, a11y: A11y) -> None:
    sign_in(page, a11y)
    expect(page.get_by_role("link", name="Mine sager")).to_be_visible()
    expect(page.get_by_role("link", name="Adgangslog")).to_have_count(0)
    page.goto("/portal/access-log")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Adgangslog")
    a11y.check(page)
