"""The triage model's versions in the admin area, in a real Chromium: Ada reads the active
version's evaluation, trains a new version and is not offered to activate it herself; Pia
(process owner) approves and activates it, and the page says who did what."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import A11y
from tests.browser.test_admin import sign_in_to_admin

PAGE = "/admin/routing/triage"


def test_ada_trains_a_triage_model_and_pia_activates_it(page: Page, a11y: A11y) -> None:
    sign_in_to_admin(page, a11y, "Ada Admin")
    a11y.check(page)
    page.get_by_role("navigation").get_by_role("link", name="Triagemodel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triagemodel")
    a11y.check(page)

    # The active version shows how it did on its held-out split, per class and as confusion.
    active = page.locator("#versions tr", has=page.locator("[data-status=active]"))
    expect(active).to_have_count(1)
    expect(active).to_contain_text(re.compile(r"\d+(,\d)? %"))
    life_events = page.locator("table[data-evaluation=life_events]").first
    expect(life_events.locator("tr[data-label=parental_leave]")).to_be_visible()
    expect(page.locator("table[data-confusion=life_events]").first).to_contain_text(
        "Triage (under tærsklen)"
    )

    page.get_by_role("button", name="Træn ny version").click()
    done = page.locator("#done")
    expect(done).to_contain_text("er trænet. En anden administrator eller en procesejer")
    number = re.search(r"Version (\d+)", done.inner_text())
    assert number is not None
    version = number.group(1)
    draft = page.locator(f"#versions tr[data-version='{version}']")
    expect(draft.locator("[data-status=draft]")).to_have_text("Kladde")
    section = page.locator(f"#version-{version}")
    expect(section.locator("[data-refusal]")).to_contain_text("Du har selv trænet denne version")
    expect(section.get_by_role("button", name=re.compile("Godkend og aktivér"))).to_have_count(0)
    a11y.check(page)
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)

    sign_in_to_admin(page, a11y, "Pia Procesejer")
    a11y.check(page)
    page.goto(PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Triagemodel")
    a11y.check(page)
    page.get_by_role("button", name=f"Godkend og aktivér version {version}").click()
    expect(page.locator("#done")).to_contain_text(f"Version {version} er aktiv")
    activated = page.locator(f"#versions tr[data-version='{version}']")
    expect(activated.locator("[data-status=active]")).to_have_text("Aktiv")
    expect(activated).to_contain_text("ada")
    expect(activated).to_contain_text("pia")
    expect(page.locator("[data-status=active]")).to_have_count(1)
    a11y.check(page)
