"""The inbox from the reporter's side, in Danish: the bell in the header counts up without a
reload when a caseworker asks her something, the case waits for her on her case list and
start page, and the inbox page lists the question and marks it read."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect

from lifecase_platform.workdays import today_in_denmark
from tests.browser.support import A11y, Api, sign_in, unique_name, wait_until

NOTIFICATIONS = "/api/v1/notifications"
SOON = (today_in_denmark() + timedelta(days=7)).isoformat()  # all five sub-cases open now


def file_and_route(api: Api, employee: str) -> tuple[str, dict[str, Any]]:
    """A hiring filed by Rita; returns its id and its payroll task once all five are routed
    and Rita has been told of each."""
    response = api.http.post(
        "/api/v1/cases",
        headers=api.headers("rita"),
        json={
            "event_type": "hiring",
            "data": {
                "employee_name": employee,
                "cpr": "0303851234",
                "start_date": SOON,
                "position": "Pædagog",
                "department": "Børnehuset Mælkebøtten",
                "employment_type": "permanent",
                "weekly_hours": 37,
            },
        },
    )
    assert response.status_code == 201, response.text
    case_id = str(response.json()["id"])
    link = f"/portal/cases/{case_id}"

    def told() -> bool:
        listed = api.http.get(NOTIFICATIONS, headers=api.headers("rita")).json()
        return len([n for n in listed if n["link"] == link]) == 5

    wait_until(told, what="rita to be told of the five routed tasks")
    case = api.case(case_id)
    return case_id, next(s for s in case["subcases"] if s["unit"] == "payroll")


def unread_on_bell(page: Page) -> int:
    value = page.locator(".inbox-bell").get_attribute("data-unread")
    return int(value) if value is not None else -1


def test_the_bell_counts_a_question_live_and_the_inbox_marks_it_read(
    page: Page, a11y: A11y, api: Api
) -> None:
    employee = unique_name("Karla")
    case_id, payroll = file_and_route(api, employee)
    api.http.post(f"{NOTIFICATIONS}/read-all", headers=api.headers("rita"))

    sign_in(page, a11y)
    bell = page.locator(".inbox-bell")
    expect(bell).to_have_attribute("data-unread", "0")
    expect(page.get_by_role("link", name="Notifikationer", exact=True)).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    question = f"Hvilket lønnummer har {employee}?"
    api.ask(payroll["id"], "paula", question)
    expect(page.get_by_role("link", name=re.compile(r"^Notifikationer, \d+ ulæst"))).to_be_visible()
    expect(bell.locator("[data-inbox-count]")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    a11y.check(page)

    # The start page and the case list say the case waits for her.
    page.goto("/portal/")
    waiting = page.get_by_role("region", name="Venter på dig")
    expect(waiting.get_by_role("link", name=employee)).to_be_visible()
    a11y.check(page)
    page.get_by_role("navigation").get_by_role("link", name="Mine sager").click()
    row = page.locator("#case-list tbody tr").filter(has_text=employee)
    expect(row.get_by_text("Venter på dig")).to_be_visible()
    a11y.check(page)

    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifikationer")
    item = page.locator(".inbox-item").filter(has_text=question)
    expect(item).to_have_class(re.compile("inbox-unread"))
    expect(item.get_by_text("Kræver handling")).to_be_visible()
    expect(item.get_by_role("link")).to_have_attribute("href", f"/portal/cases/{case_id}")
    a11y.check(page)
    before = wait_until(lambda: max(unread_on_bell(page), 0), what="the bell's count")

    item.get_by_role("button", name=re.compile("^Markér som læst")).click()
    expect(item).not_to_have_class(re.compile("inbox-unread"))
    expect(bell).to_have_attribute("data-unread", str(before - 1))
    a11y.check(page)

    item.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/portal/cases/{case_id}$"))
    a11y.check(page)
