"""What the browser tests share: axe-core on every page, signing in, the demo data, and the
system's HTTP API for arranging what a test needs and for acting as a caseworker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from playwright.sync_api import Page, expect

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
T = TypeVar("T")


class A11y:
    """Runs axe-core on a page and remembers which addresses it checked, so the fixture can
    fail a test that visited a page without checking it."""

    def __init__(self) -> None:
        self.checked: set[str] = set()

    def check(self, page: Page) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
        report = "\n".join(
            f"{v['impact']}: {v['id']} – {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in blocking
        )
        assert not blocking, f"axe-core on {page.url}:\n{report}"
        self.checked.add(_address(page.url))


def _address(url: str) -> str:
    return url.split("#", 1)[0]


def unique_name(first: str = "Mette") -> str:
    """An employee name no other test uses, so a test can find exactly its own cases."""
    return f"{first} Test{uuid.uuid4().hex[:6]}"


def sign_in(page: Page, a11y: A11y, name: str = "Rita Reporter") -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    a11y.check(page)
    page.get_by_role("button", name=f"Log ind som {name}").click()
    expect(page.get_by_text("Logget ind som")).to_be_visible()
    a11y.check(page)


def switch_to_english(page: Page, a11y: A11y) -> None:
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y.check(page)


def wait_until(probe: Callable[[], T | None], *, timeout: float = 30, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Api:
    """The system's HTTP API as the demo users (dev tokens from the embedded identity
    provider)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def headers(self, user: str) -> dict[str, str]:
        token = self.http.post("/api/v1/dev/token", json={"username": user}).json()
        return {"Authorization": f"Bearer {token['access_token']}"}

    def cases(self, user: str = "rita") -> list[dict[str, Any]]:
        response = self.http.get("/api/v1/cases?limit=100", headers=self.headers(user))
        return list(response.json()["items"])

    def case(self, case_id: str, user: str = "rita") -> dict[str, Any]:
        """One case with its messages (the list leaves them out)."""
        response = self.http.get(f"/api/v1/cases/{case_id}", headers=self.headers(user))
        assert response.status_code == 200, response.text
        return dict(response.json())

    def cases_of(self, employee_name: str, user: str = "rita") -> list[dict[str, Any]]:
        return [c for c in self.cases(user) if c["data"].get("employee_name") == employee_name]

    def resolve(self, subcase_id: str, worker: str) -> None:
        headers = self.headers(worker)
        claim = self.http.post(f"/api/v1/work-items/{subcase_id}/claim", headers=headers)
        assert claim.status_code == 200, claim.text
        done = self.http.post(
            f"/api/v1/work-items/{subcase_id}/resolve",
            headers=headers,
            json={"resolution": "Klaret"},
        )
        assert done.status_code == 200, done.text

    def ask(self, subcase_id: str, worker: str, question: str) -> None:
        """A caseworker claims the sub-case's work item and asks the reporter a question."""
        headers = self.headers(worker)
        claim = self.http.post(f"/api/v1/work-items/{subcase_id}/claim", headers=headers)
        assert claim.status_code == 200, claim.text
        asked = self.http.post(
            f"/api/v1/work-items/{subcase_id}/request-info",
            headers=headers,
            json={"question": question},
        )
        assert asked.status_code == 200, asked.text
