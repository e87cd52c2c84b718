"""Screenshots of the main pages for the README: ``make screenshots`` writes them into
``docs/screenshots/``. Skipped unless ``LIFECASE_SCREENSHOTS`` names the folder."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import A11y, Api, sign_in, wait_until
from tests.browser.test_admin import sign_in_to_admin
from tests.browser.test_bulk import csv_file, row
from tests.browser.test_insight import sign_in_to_insight
from tests.browser.test_portal import fill_hiring, open_hiring_form
from tests.browser.test_routing_rules import IT_RULE, an_it_item_is_routed
from tests.browser.test_workspace import (
    PAYROLL_QUEUE_DA,
    Hiring,
    answer_as_reporter,
    file_hiring,
    sign_in_to_workspace,
)

TARGET = os.environ.get("LIFECASE_SCREENSHOTS")

pytestmark = pytest.mark.skipif(not TARGET, reason="set LIFECASE_SCREENSHOTS (make screenshots)")


def shoot(page: Page, name: str) -> None:
    assert TARGET
    Path(TARGET).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(TARGET) / f"{name}.png"), full_page=True)


def test_screenshots_of_the_main_pages(page: Page, a11y: A11y, api: Api) -> None:
    sign_in(page, a11y)
    shoot(page, "start")

    open_hiring_form(page, a11y, english=False)
    fill_hiring(page, "Mette Hansen", english=False)
    page.get_by_label("CPR-nummer").fill("320190-1234")
    page.get_by_label("Ugentlige timer").fill("")
    page.get_by_role("button", name="Se hvad der sker").click()
    expect(page.get_by_role("alert")).to_be_visible()
    a11y.check(page)
    shoot(page, "form-with-errors")

    page.get_by_label("CPR-nummer").fill("010190-1234")
    page.get_by_label("Ugentlige timer").fill("37")
    page.get_by_role("button", name="Se hvad der sker").click()
    expect(page.locator("#preview tbody tr")).to_have_count(5)
    a11y.check(page)
    shoot(page, "preview")

    page.get_by_role("button", name="Indsend sagen").click()
    expect(page.locator("#subcases tbody tr").filter(has_text="Hos enheden")).to_have_count(5)
    case_id = page.url.rsplit("/", 1)[1]
    contract = next(
        s for s in api.case(case_id)["subcases"] if s["activity"] == "employment_contract"
    )
    api.ask(contract["id"], "hans", "Skal kontrakten sendes til medarbejderens e-Boks?")
    wait_until(lambda: api.case(case_id)["messages"], what="the question to reach the case")
    page.reload()
    expect(page.locator(".message-open")).to_be_visible()
    a11y.check(page)
    shoot(page, "case")

    page.goto("/portal/bulk/hiring")
    a11y.check(page)
    rows = [row("Ida Sommer"), row("Jens Sommer", cpr="320190-1234"), row("Lise Sommer")]
    page.get_by_label("CSV-fil").set_input_files(csv_file(rows))  # type: ignore[arg-type]
    page.get_by_role("button", name="Kontrollér filen").click()
    expect(page.locator("#row-report")).to_be_visible()
    a11y.check(page)
    shoot(page, "bulk-report")

    page.get_by_role("navigation").get_by_role("link", name="Mine sager").click()
    a11y.check(page)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")
    a11y.check(page)
    shoot(page, "my-cases-en")


def test_screenshots_of_the_caseworker_workspace(page: Page, a11y: A11y, api: Api) -> None:
    hiring = file_hiring(api)
    sign_in_to_workspace(page, a11y, "Paula Payroll")
    shoot(page, "workspace-queues")

    page.get_by_role("link", name=PAYROLL_QUEUE_DA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PAYROLL_QUEUE_DA)
    a11y.check(page)
    shoot(page, "workspace-queue")

    page.goto(f"/workspace/items/{hiring.payroll_item}")
    a11y.check(page)
    page.get_by_role("button", name="Tag opgaven").click()
    expect(page.get_by_role("status")).to_be_visible()
    a11y.check(page)
    page.get_by_label("Spørgsmål til indberetteren").fill("Hvilket lønnummer skal han have?")
    page.get_by_role("button", name="Send spørgsmål").click()
    expect(page.locator("#messages")).to_contain_text("Hvilket lønnummer")
    a11y.check(page)
    answer_as_reporter(api, hiring, "Lønnummer 4711")
    page.goto(f"/workspace/items/{hiring.payroll_item}")
    expect(page.locator("#messages")).to_contain_text("Lønnummer 4711")
    a11y.check(page)
    shoot(page, "workspace-item")

    page.get_by_role("link", name="English").click()
    expect(
        page.get_by_role("heading", level=2, name="Conversation with the reporter")
    ).to_be_visible()
    a11y.check(page)
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_role("alert")).to_contain_text("Write something in the field.")
    a11y.check(page)
    shoot(page, "workspace-item-en")


def test_screenshots_of_the_admin_area(page: Page, a11y: A11y) -> None:
    sign_in_to_admin(page, a11y, "Ada Admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skabeloner")
    a11y.check(page)
    shoot(page, "admin-templates")

    page.goto("/admin/templates/hiring/1")
    expect(page.locator("#activities")).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-template-version")

    page.goto("/admin/routing/")
    expect(page.locator("#rules")).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-routing")


def test_screenshots_of_approval_and_bundles(page: Page, a11y: A11y, api: Api) -> None:
    current = api.http.get("/api/v1/templates/termination/versions", headers=api.headers("ada"))
    published = next(v for v in current.json() if v["status"] == "published")
    definition = published["definition"]
    definition["activities"][0]["due"] = {"working_days": 3}
    definition["description"]["da"] += " Opsigelsen behandles inden for tre arbejdsdage."
    draft = api.http.post("/api/v1/templates", headers=api.headers("ada"), json=definition)
    assert draft.status_code == 201, draft.text
    path = f"/api/v1/templates/termination/versions/{draft.json()['version']}"
    submitted = api.http.post(
        f"{path}/submit", headers=api.headers("ada"), json={"note": "Kortere frist på opsigelsen"}
    )
    assert submitted.status_code == 200, submitted.text

    sign_in_to_admin(page, a11y, "Pia Procesejer")
    a11y.check(page)
    page.goto(f"/admin/templates/termination/{draft.json()['version']}")
    expect(page.locator("#changes")).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-template-review")

    page.goto("/admin/catalogue")
    expect(page.locator("#shipped")).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-bundles")


def test_screenshots_of_the_routing_rules(page: Page, a11y: A11y, api: Api) -> None:
    an_it_item_is_routed(api)  # so the dry run has something to move
    sign_in_to_admin(page, a11y, "Ada Admin")
    a11y.check(page)
    page.goto("/admin/routing/rules")
    expect(page.locator("#versions")).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-routing-rules")

    page.get_by_role("link", name="Ny version").click()
    rules = page.get_by_label("Reglerne, én pr. linje, i den rækkefølge de prøves")
    rules.fill(rules.input_value().replace(IT_RULE, IT_RULE[: -len("it")] + "facilities"))
    page.get_by_role("button", name="Prøv på tidligere opgaver").click()
    expect(page.locator("#dry-run-summary")).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-routing-dry-run")


class _Receiver(BaseHTTPRequestHandler):
    """A subscriber that takes every delivery (204), so the delivery log shows them arrive."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def subscriber() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/lifecase-hooks"
    finally:
        server.shutdown()
        server.server_close()


def notices_for_paula(api: Api, hiring: Hiring) -> None:
    """Paula asks Rita a question; Rita answers it and writes a note to payroll."""
    api.ask(hiring.payroll_item, "paula", "Hvilket lønnummer skal han have?")
    wait_until(lambda: api.case(hiring.case_id)["messages"], what="the question to reach rita")
    answer_as_reporter(api, hiring, "Lønnummer 4711")
    note = api.http.post(
        f"/api/v1/cases/{hiring.case_id}/messages",
        headers=api.headers("rita"),
        json={"text": "Han starter kl. 9 den første dag", "to_unit": "payroll"},
    )
    assert note.status_code in (200, 201), note.text

    def told() -> bool:
        listed = api.http.get("/api/v1/notifications", headers=api.headers("paula")).json()
        return len([n for n in listed if n["kind"] == "reply_filed"]) >= 2

    wait_until(told, what="paula to be told of the answer and the note")


def test_screenshots_of_notifications(page: Page, a11y: A11y, api: Api, subscriber: str) -> None:
    created = api.http.post(
        "/api/v1/webhooks",
        headers=api.headers("ada"),
        json={
            "url": subscriber,
            "event_types": ["lifecase.case.submitted", "lifecase.subcase.*"],
            "description": "HR-systemet",
        },
    )
    assert created.status_code == 201, created.text
    webhook = created.json()["id"]
    hiring = file_hiring(api)
    notices_for_paula(api, hiring)

    sign_in_to_workspace(page, a11y, "Paula Payroll", "/workspace/queues/payroll?mine=1")
    row = page.locator(f'tr[data-item="{hiring.payroll_item}"]')
    expect(row).to_contain_text("Indberetteren har svaret")
    a11y.check(page)
    shoot(page, "workspace-queue-answered")

    page.goto("/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifikationer")
    expect(page.locator(".inbox-item").first).to_be_visible()
    a11y.check(page)
    shoot(page, "notifications-inbox")

    page.goto("/notifications/preferences")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indstillinger for e-mail")
    a11y.check(page)
    shoot(page, "notifications-preferences")

    def delivered() -> bool:
        listed = api.http.get(
            f"/api/v1/webhooks/{webhook}/deliveries", headers=api.headers("ada")
        ).json()
        return len([d for d in listed if d["status"] == "succeeded"]) >= 6

    wait_until(delivered, what="the deliveries to reach the subscriber")
    page.context.clear_cookies()
    page.goto(f"/admin/webhooks/{webhook}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name="Log ind som Ada Admin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(subscriber)
    a11y.check(page)
    shoot(page, "admin-webhook")


def test_screenshots_of_the_insight_dashboards(
    page: Page, a11y: A11y, api: Api, base_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Six months of demo history (``lifecase demo generate``) in the running system's
    insight database, so the charts have something to show."""
    [state] = tmp_path_factory.getbasetemp().glob("lifecase[0-9]*/state")
    lifecase = str(Path(sys.executable).parent / "lifecase")
    subprocess.run(
        [lifecase, "demo", "generate", "--months", "6", "--state", str(state)],
        check=True,
        capture_output=True,
    )
    six_months_ago = (date.today() - timedelta(days=182)).isoformat()
    sign_in_to_insight(page, a11y, "Pia Procesejer")
    page.goto(f"/insight/?from={six_months_ago}")
    a11y.check(page)
    expect(page.locator("#queue-depth").get_by_role("img")).to_be_visible()
    shoot(page, "insight-overview")

    page.goto(f"/insight/automation?from={six_months_ago}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Automatiseringspotentiale")
    a11y.check(page)
    shoot(page, "insight-automation")


def test_screenshots_of_free_text_triage(page: Page, a11y: A11y) -> None:
    sign_in(page, a11y)
    page.get_by_label("Beskriv hvad der er sket").fill("hun skal på barsel fra 1. april")
    page.get_by_role("button", name="Find den rigtige formular").click()
    expect(page.locator("[data-suggestion]").first).to_contain_text("Barselsorlov")
    a11y.check(page)
    shoot(page, "describe-suggestions")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)

    sign_in_to_admin(page, a11y, "Ada Admin")
    a11y.check(page)
    page.goto("/admin/routing/triage")
    expect(page.locator("table[data-confusion=life_events]").first).to_be_visible()
    a11y.check(page)
    shoot(page, "admin-triage-model")
