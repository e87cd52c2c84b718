"""The insight dashboards in Chromium: with a few cases worked, Ada (administrator) sees
every plot with data, each chart's table holds its numbers and its CSV link downloads CSV,
and the automation report reads as a ranked table; Lene, payroll's unit lead, is offered
only payroll and refused another unit; Rita (a reporter) is refused. axe-core on every page."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import A11y, Api, switch_to_english, wait_until
from tests.browser.test_workspace import file_hiring

UNIT_WORKERS = {"hr": "hans", "payroll": "paula", "it": "ivan", "facilities": "frida"}
PLOTS = ("queue-depth", "sla", "routing", "lead-time", "throughput", "waiting")


@dataclass(frozen=True)
class Worked:
    waiting_case: str


def _answer(api: Api, case_id: str) -> None:
    rita = api.headers("rita")
    case = api.http.get(f"/api/v1/cases/{case_id}", headers=rita).json()
    [question] = [m for m in case["messages"] if m["kind"] == "question"]
    reply = api.http.post(
        f"/api/v1/cases/{case_id}/messages",
        headers=rita,
        json={"text": "Her er oplysningerne.", "in_reply_to": question["id"]},
    )
    assert reply.status_code in (200, 201), reply.text


@pytest.fixture(scope="module")
def worked(api: Api) -> Worked:
    """One hiring worked to completion; in another, payroll asks Rita and she answers, so
    she waits for payroll."""
    done = file_hiring(api)
    for subcase in api.case(done.case_id)["subcases"]:
        api.resolve(subcase["id"], UNIT_WORKERS[subcase["unit"]])
    waiting = file_hiring(api)
    api.ask(waiting.items["payroll"], "paula", "Hvilken lønramme?")
    wait_until(
        lambda: any(m["kind"] == "question" for m in api.case(waiting.case_id)["messages"]),
        what="the question to reach Rita",
    )
    _answer(api, waiting.case_id)
    ada = api.headers("ada")

    def settled() -> bool:
        weeks = api.http.get("/api/v1/insight/throughput", headers=ada).json()["rows"]
        lead = api.http.get("/api/v1/insight/lead-time/life-events", headers=ada).json()["rows"]
        waits = api.http.get("/api/v1/insight/reporters-waiting", headers=ada).json()["rows"]
        return bool(sum(r["cases_completed"] for r in weeks) and lead and waits)

    wait_until(settled, timeout=60, what="the dashboards' datasets to hold the cases")
    return Worked(waiting_case=waiting.case_id)


def sign_in_to_insight(page: Page, a11y: A11y, name: str, path: str = "/insight/") -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name=f"Log ind som {name}").click()
    expect(page.get_by_text("Logget ind som")).to_be_visible()
    a11y.check(page)


def _table_rows(page: Page, plot: str) -> list[list[str]]:
    section = page.locator(f"#{plot}")
    section.locator("summary").first.click()
    table = section.locator("table").first
    expect(table).to_be_visible()
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def test_ada_sees_every_plot_with_data_its_table_and_csv(
    page: Page, a11y: A11y, api: Api, worked: Worked
) -> None:
    sign_in_to_insight(page, a11y, "Ada Admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indsigt")
    for plot in PLOTS:
        section = page.locator(f"#{plot}")
        expect(section.get_by_role("img").first).to_be_visible()
        expect(section.get_by_role("link", name="Hent som CSV").first).to_be_visible()
    expect(page.get_by_role("img", name="Kølængde over tid")).to_be_visible()

    # The throughput table holds the chart's numbers, and its CSV the same rows.
    rows = _table_rows(page, "throughput")
    a11y.check(page)
    chart = page.get_by_role("img", name="Gennemstrømning pr. uge")
    last_week = rows[-1]
    expect(chart).to_contain_text(f"{last_week[2]} Afsluttede sager")
    with page.expect_download() as download:
        page.locator("#throughput").get_by_role("link", name="Hent som CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    assert [[r["week"], r["cases_completed"], r["subcases_resolved"]] for r in csv_rows] == [
        [row[0], row[2], row[3]] for row in rows
    ]

    waiting = _table_rows(page, "waiting")
    assert any(row[0] == "payroll" and int(row[1]) >= 1 for row in waiting)
    a11y.check(page)

    page.get_by_role("link", name="Automatiseringspotentiale").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Automatiseringspotentiale")
    expect(page.get_by_role("heading", name="Sådan findes tallene")).to_be_visible()
    table = page.get_by_role("table", name="Kandidater til automatisering, rangeret efter årsværk")
    expect(table.locator("tbody tr").first).to_be_visible()
    a11y.check(page)

    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("Automation potential")
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()


def test_filters_keep_their_values(page: Page, a11y: A11y, worked: Worked) -> None:
    sign_in_to_insight(page, a11y, "Pia Procesejer")
    page.get_by_label("Livsbegivenhed", exact=True).select_option("hiring")
    page.get_by_label("Enhed", exact=True).select_option("payroll")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_label("Enhed", exact=True)).to_have_value("payroll")
    expect(page.get_by_label("Livsbegivenhed", exact=True)).to_have_value("hiring")
    link = page.locator("#sla").get_by_role("link", name="Hent som CSV")
    expect(link).to_have_attribute("href", re.compile("unit=payroll"))
    a11y.check(page)


def test_lene_sees_only_payroll_and_is_refused_another_unit(
    page: Page, a11y: A11y, worked: Worked
) -> None:
    sign_in_to_insight(page, a11y, "Lene Lønchef", "/workspace/")
    page.get_by_role("link", name="Indsigt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indsigt")
    units = page.get_by_label("Enhed", exact=True).locator("option").all_inner_texts()
    assert [u for u in units if u != "Alle mine enheder"] == ["payroll"]
    a11y.check(page)
    page.goto("/insight/?unit=hr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    expect(page.get_by_text("Du kan kun se tallene for de enheder, du leder.")).to_be_visible()
    a11y.check(page)


def test_rita_is_refused(page: Page, a11y: A11y) -> None:
    sign_in_to_insight(page, a11y, "Rita Reporter")
    expect(
        page.get_by_text("Kun administratorer, procesejere, revisorer og enhedsledere")
    ).to_be_visible()
    a11y.check(page)
