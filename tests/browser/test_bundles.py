"""Sharing templates in a real Chromium: Ada finds the bundles that ship with lifecase,
imports one as a draft and reads what must be mapped here, exports a version as a bundle
file, and a broken file is refused with its problem."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from tests.browser.support import A11y, switch_to_english
from tests.browser.test_admin import sign_in_to_admin


def test_ada_imports_a_shipped_bundle_and_exports_a_version(
    page: Page, a11y: A11y, tmp_path: Path
) -> None:
    sign_in_to_admin(page, a11y, "Ada Admin")
    a11y.check(page)
    page.get_by_role("link", name="Pakker: del skabeloner med andre kommuner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pakker")
    shipped = page.locator("#shipped tbody tr")
    expect(shipped).to_have_count(5)
    leave = page.locator("#shipped tr[data-bundle=parental_leave]")
    expect(leave).to_contain_text("Barsel")
    a11y.check(page)

    leave.get_by_role("button", name=re.compile("Importér som kladde")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pakken er importeret")
    expect(page.locator("#done")).to_contain_text("er nu kladde, version")
    # The demo organisation has every unit the shipped template names and routes its types.
    expect(page.locator("#mapping-complete")).to_be_visible()
    a11y.check(page)
    page.get_by_role("link", name="Åbn kladden").click()
    expect(page.locator("#version-status")).to_have_text("Kladde")
    expect(page.locator("#history tbody tr").first).to_contain_text("Importerede")
    expect(page.locator("#no-changes")).to_be_visible()  # the same as the published one
    a11y.check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Eksportér som pakke").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"lifecase-parental_leave-v\d+\.bundle\.yaml", saved.name)
    bundle = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert bundle["format"] == "lifecase-bundle/1"
    assert bundle["template"]["key"] == "parental_leave"
    assert bundle["example_rules"], "the demo's rules route the types: examples are included"

    # A broken file is refused with its problem, and nothing is saved.
    broken = tmp_path / "broken.bundle.yaml"
    broken.write_text(saved.read_text(encoding="utf-8").replace("lifecase-bundle/1", "x/9"))
    page.goto("/admin/catalogue")
    a11y.check(page)
    page.get_by_label("Pakkefil (.bundle.yaml)").set_input_files(broken)
    page.get_by_role("button", name="Importér som kladde", exact=True).click()
    expect(page.locator("#bundle-problems")).to_contain_text("not a lifecase bundle")
    expect(page.locator("#bundle-problems")).to_contain_text("Linje 1")
    a11y.check(page)
    page.goto("/admin/catalogue")
    a11y.check(page)
    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bundles")
    expect(page.locator("#shipped tr[data-bundle=parental_leave]")).to_contain_text(
        "Parental leave"
    )
