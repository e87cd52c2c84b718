"""Webhooks in the admin area, in a real Chromium: Ada opens the webhooks page from the
admin menu, registers a subscription (is shown its secret once) and finds it listed, then
opens it and pauses it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import A11y, unique_name


def test_ada_registers_a_webhook_and_finds_it_listed(page: Page, a11y: A11y) -> None:
    page.goto("/admin/webhooks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name="Log ind som Ada Admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    expect(page.get_by_role("navigation").get_by_role("link", name="Webhooks")).to_be_visible()
    a11y.check(page)

    url = f"http://127.0.0.1:9/{unique_name('hooks').replace(' ', '-')}"
    page.get_by_label("Adresse (http eller https)").fill(url)
    page.get_by_label("Beskrivelse").fill("HR-systemet")
    page.get_by_label("lifecase.case.submitted").check()
    page.get_by_role("button", name="Opret abonnementet").click()

    expect(page.locator("#created")).to_contain_text("Abonnementet er oprettet.")
    expect(page.get_by_label("Signeringshemmelighed")).to_have_value(re.compile(r"^whsec_"))
    row = page.locator("#subscriptions tr", has_text=url)
    expect(row).to_contain_text("Aktiv")
    a11y.check(page)

    row.get_by_role("link", name=url).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(url)
    a11y.check(page)
    page.get_by_role("button", name="Sæt på pause").click()
    expect(page.locator("#done")).to_contain_text("sat på pause")
    expect(page.locator("#state")).to_contain_text("På pause")
    a11y.check(page)
