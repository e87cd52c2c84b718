"""The caseworker workspace as a caseworker uses it, in a real Chromium: Paula works a payroll
task of a hiring case from her queue to resolved, talking to the reporter on the way; Ivan
(IT) cannot open it; English is one click away."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, switch_to_english, unique_name, wait_until

SOON = (today_in_denmark() + timedelta(days=7)).isoformat()  # all five sub-cases open now
PAYROLL_QUEUE_DA = "Løn – oprettelser og ændringer"


@dataclass(frozen=True)
class Hiring:
    case_id: str
    employee: str
    items: dict[str, str]  # unit -> its work item (the first, where a unit has two)

    @property
    def payroll_item(self) -> str:
        return self.items["payroll"]


def file_hiring(api: Api) -> Hiring:
    """A hiring case filed by Rita through the API, once all five tasks reached their units."""
    employee = unique_name("Jonas")
    response = api.http.post(
        "/api/v1/cases",
        headers=api.headers("rita"),
        json={
            "event_type": "hiring",
            "data": {
                "employee_name": employee,
                "cpr": "0202851234",
                "start_date": SOON,
                "position": "Lærer",
                "department": "Skovvejens Skole",
                "employment_type": "permanent",
                "weekly_hours": 37,
            },
        },
    )
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]

    def routed() -> list[dict[str, Any]] | None:
        case = api.http.get(f"/api/v1/cases/{case_id}", headers=api.headers("rita")).json()
        subcases: list[dict[str, Any]] = case["subcases"]
        done = len(subcases) == 5 and all(s["status"] == "routed" for s in subcases)
        return subcases if done else None

    subcases = wait_until(routed, what="the five tasks to reach their units")
    items: dict[str, str] = {}
    for subcase in subcases:
        items.setdefault(subcase["unit"], subcase["id"])
    return Hiring(case_id=case_id, employee=employee, items=items)


@pytest.fixture(scope="module")
def hiring(api: Api) -> Hiring:
    return file_hiring(api)


def sign_in_to_workspace(page: Page, a11y: A11y, name: str, path: str = "/workspace/") -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name=f"Log ind som {name}").click()
    expect(page.get_by_text("Logget ind som")).to_be_visible()
    a11y.check(page)


def status_of(page: Page) -> str:
    return page.locator("#item-status").inner_text()


def test_paula_claims_a_payroll_task_asks_the_reporter_sees_the_answer_and_resolves_it(
    page: Page, a11y: A11y, api: Api, hiring: Hiring
) -> None:
    sign_in_to_workspace(page, a11y, "Paula Payroll")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine køer")
    payroll = page.locator("tr[data-queue=payroll]")
    expect(payroll).to_contain_text(PAYROLL_QUEUE_DA)
    assert int(payroll.locator("[data-count=open]").inner_text()) >= 1
    expect(page.locator("tr[data-queue=it]")).to_have_count(0)  # not Paula's unit

    payroll.get_by_role("link", name=PAYROLL_QUEUE_DA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PAYROLL_QUEUE_DA)
    a11y.check(page)
    page.get_by_label("Søg", exact=True).fill(hiring.employee)
    page.get_by_role("button", name="Søg", exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("I køen")
    a11y.check(page)
    assert hiring.employee not in page.url  # the search text never reaches the address bar

    rows.first.get_by_role("link", name="Lønoprettelse").click()
    expect(page).to_have_url(re.compile(f"/workspace/items/{hiring.payroll_item}\\?back="))
    expect(page.locator("#item-case-number")).to_have_text(re.compile(r"^LC-\d{4}-\d{6}$"))
    expect(page.locator("#item-reporter")).to_have_text("Rita Reporter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lønoprettelse")
    fields = page.locator("#item-fields")
    expect(fields).to_contain_text("Medarbejderens navn")
    expect(fields).to_contain_text(hiring.employee)
    expect(fields).not_to_contain_text("Stillingsbetegnelse")  # payroll is not sent the job title
    expect(page.locator("#case-context tbody tr")).to_have_count(4)
    expect(page.locator("#case-context")).to_contain_text("It-udstyr og konti")
    expect(page.get_by_text("Sendt hertil af reglen")).to_be_visible()
    a11y.check(page)

    page.get_by_role("button", name="Tag opgaven").click()
    expect(page.get_by_role("status")).to_contain_text("Du har taget opgaven.")
    assert status_of(page) == "Taget"
    expect(page.locator("#item-assignee")).to_have_text("Paula Payroll")
    a11y.check(page)

    page.get_by_role("button", name="Send spørgsmål").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv noget i feltet.")
    expect(page.locator("#question-error")).to_contain_text("Skriv noget i feltet.")
    a11y.check(page)

    page.get_by_label("Spørgsmål til indberetteren").fill("Hvilket lønnummer skal han have?")
    page.get_by_role("button", name="Send spørgsmål").click()
    expect(page.get_by_role("status")).to_contain_text("Dit spørgsmål er sendt.")
    assert status_of(page) == "Venter på indberetteren"
    expect(page.locator("#messages")).to_contain_text("Hvilket lønnummer skal han have?")
    a11y.check(page)

    page.get_by_label("Nyt notat").fill("Ringer til Rita, hvis hun ikke svarer")
    answer_as_reporter(api, hiring, "Lønnummer 4711")
    # The waiting page notices the answer by itself and shows the item as Paula's again,
    # leaving what she was typing alone.
    expect(page.locator("#item-status")).to_have_text("Taget", timeout=15_000)
    expect(page.get_by_text("Indberetteren har svaret. Fristen løber igen.")).to_be_visible()
    expect(page.get_by_label("Nyt notat")).to_have_value("Ringer til Rita, hvis hun ikke svarer")
    expect(page.locator("#messages")).to_contain_text("Svar fra indberetteren")
    expect(page.locator("#messages")).to_contain_text("Lønnummer 4711")
    a11y.check(page)

    page.get_by_label("Hvad der blev gjort").fill("Oprettet i lønsystemet")
    page.get_by_role("button", name="Løs opgaven").click()
    expect(page.get_by_role("status")).to_contain_text("Opgaven er løst.")
    assert status_of(page) == "Løst"
    expect(page.get_by_role("button", name="Løs opgaven")).to_have_count(0)
    a11y.check(page)


def answer_as_reporter(api: Api, hiring: Hiring, text: str) -> None:
    """Rita answers Paula's question on her case, and routing files the reply with the item."""
    rita = api.headers("rita")
    case = api.http.get(f"/api/v1/cases/{hiring.case_id}", headers=rita).json()
    [question] = [m for m in case["messages"] if m["kind"] == "question"]
    reply = api.http.post(
        f"/api/v1/cases/{hiring.case_id}/messages",
        headers=rita,
        json={"text": text, "in_reply_to": question["id"]},
    )
    assert reply.status_code in (200, 201), reply.text
    paula = api.headers("paula")

    def replied() -> bool:
        item = api.http.get(f"/api/v1/work-items/{hiring.payroll_item}", headers=paula).json()
        return any(m["kind"] == "reply" for m in item["messages"])

    wait_until(replied, what="the reply to reach the work item")


def test_ivan_cannot_open_a_payroll_item_but_can_reject_his_own(
    page: Page, a11y: A11y, hiring: Hiring
) -> None:
    sign_in_to_workspace(page, a11y, "Ivan IT", f"/workspace/items/{hiring.payroll_item}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ikke fundet")
    expect(page.get_by_text("Kunne ikke finde opgaven.")).to_be_visible()
    a11y.check(page)

    page.goto("/workspace/queues/payroll")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ikke fundet")
    a11y.check(page)

    page.goto(f"/workspace/items/{hiring.items['it']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("It-udstyr og konti")
    a11y.check(page)
    page.get_by_text("Afvis", exact=True).click()
    page.get_by_label("Begrundelse til indberetteren").fill("Medarbejderen har allerede udstyr")
    page.get_by_role("button", name="Afvis opgaven").click()
    # A second step: nothing is rejected until Ivan confirms, reading the reason once more.
    expect(page.get_by_role("heading", level=1)).to_have_text("Afvis opgaven?")
    expect(page.locator("#reject-reason")).to_have_text("Medarbejderen har allerede udstyr")
    a11y.check(page)
    page.get_by_role("button", name="Ja, afvis opgaven").click()
    expect(page.get_by_role("status")).to_contain_text("Opgaven er afvist.")
    assert status_of(page) == "Afvist"
    expect(page.locator("#item-facts")).to_contain_text("Medarbejderen har allerede udstyr")
    a11y.check(page)


def test_hans_notes_and_transfers_a_task_to_payroll_with_a_reason(
    page: Page, a11y: A11y, api: Api
) -> None:
    item = file_hiring(api).items["hr"]  # a case of its own: the transfer adds to payroll
    sign_in_to_workspace(page, a11y, "Hans HR", f"/workspace/items/{item}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansættelseskontrakt")
    a11y.check(page)

    page.get_by_label("Nyt notat").fill("Kontrakten afventer lønaftalen")
    page.get_by_role("button", name="Gem notat").click()
    expect(page.get_by_role("status")).to_contain_text("Dit notat er gemt.")
    expect(page.locator("#notes")).to_contain_text("Kontrakten afventer lønaftalen")
    a11y.check(page)

    page.get_by_text("Flyt til en anden kø").click()
    page.get_by_role("button", name="Flyt", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Kø: Vælg den kø, opgaven skal flyttes til.")
    expect(page.locator("#transfer_reason-error")).to_contain_text("Skriv noget i feltet.")
    a11y.check(page)

    page.get_by_label("Kø", exact=True).select_option(label="Løn: Løn – oprettelser og ændringer")
    page.get_by_label("Hvorfor den hører til der").fill("Lønnen skal oprettes først")
    page.get_by_role("button", name="Flyt", exact=True).click()
    expect(page).to_have_url(re.compile(r"/workspace/queues/hr\?done=transfer$"))
    expect(page.get_by_role("status")).to_contain_text("Opgaven er flyttet til den anden kø.")
    a11y.check(page)

    moved = api.http.get(f"/api/v1/work-items/{item}", headers=api.headers("paula")).json()
    assert moved["queue"] == "payroll"
    assert [t["reason"] for t in moved["routing"]["transfers"]] == ["Lønnen skal oprettes først"]


def test_an_item_someone_else_took_is_not_offered_for_claiming(
    page: Page, a11y: A11y, api: Api
) -> None:
    other = file_hiring(api)
    taken = api.http.post(
        f"/api/v1/work-items/{other.payroll_item}/claim", headers=api.headers("robot-payroll")
    )
    assert taken.status_code == 200, taken.text

    sign_in_to_workspace(page, a11y, "Paula Payroll", f"/workspace/items/{other.payroll_item}")
    # The assignee by name, as the demo's directory knows the robot.
    expect(page.locator("#item-assignee")).to_have_text("Lønrobot")
    expect(page.get_by_role("button", name="Tag opgaven")).to_have_count(0)
    a11y.check(page)


def test_queue_filters_live_in_the_address_and_back_returns_to_them(
    page: Page, a11y: A11y, api: Api
) -> None:
    file_hiring(api)  # a queued payroll item, whatever the other tests did
    sign_in_to_workspace(page, a11y, "Paula Payroll", "/workspace/queues/payroll")
    page.get_by_label("Status").select_option(label="I køen")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r"/workspace/queues/payroll\?status=queued$"))
    a11y.check(page)
    filtered = page.url
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.locator("#item-case-number")).to_be_visible()
    a11y.check(page)
    page.get_by_role("link", name="Tilbage til køen").click()
    expect(page).to_have_url(filtered)
    expect(page.get_by_label("Status")).to_have_value("queued")
    page.locator("tbody tr").first.get_by_role("link").click()
    page.go_back()
    expect(page).to_have_url(filtered)
    expect(page.get_by_label("Status")).to_have_value("queued")
    a11y.check(page)


def test_the_workspace_switches_to_english_and_remembers_it(
    page: Page, a11y: A11y, hiring: Hiring
) -> None:
    sign_in_to_workspace(page, a11y, "Paula Payroll")
    switch_to_english(page, a11y)
    expect(page.get_by_role("heading", level=1)).to_have_text("My queues")
    page.get_by_role("link", name="Payroll – setup and changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payroll – setup and changes")
    expect(page.get_by_role("button", name="Show")).to_be_visible()
    a11y.check(page)
