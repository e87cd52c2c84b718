"""The caseworker workspace against the real system (NATS, SQLite and PostgreSQL), over HTTP
as a browser without JavaScript would use it: forms posted, redirects followed. What the
browser tests leave out: paging, and refusals that must be pages, never 500s."""

from __future__ import annotations

import html
import re
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from urllib.parse import unquote

import httpx
import pytest

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.workspace_ui import views
from tests.support import Api, page_client, wait_for
from tests.workspace import Lifecycle, act

pytestmark = pytest.mark.integration

ROW = re.compile(r'<tr data-item="([0-9a-f-]{36})">')
AFTER = re.compile(r'name="after" value="([^"]+)"')
NEXT = re.compile(r'<a href="(/workspace/queues/payroll\?[^"]*)" rel="next">')
PREVIOUS = re.compile(r'<a href="(/workspace/queues/payroll\?[^"]*)" rel="prev">')
ITEM_LINK = re.compile(r'<a href="/workspace/items/[0-9a-f-]{36}\?back=([^"]+)">')


@pytest.fixture
def lifecycle(system_config: SystemConfig) -> Lifecycle:
    return Lifecycle(system_config.nats_url)


def workspace_of(
    system: EmbeddedSystem, user: str
) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """A cookie-keeping client signed in to the workspace as ``user``."""
    return page_client(system.app, "/workspace", user)


async def payroll_items(api: Api, lifecycle: Lifecycle, count: int) -> list[str]:
    """``count`` payroll items, due a week apart, in due-date order. (Due dates on a closing
    day move to the next working day; a week apart, no two can land on the same day.)"""
    today = today_in_denmark()
    ids = [
        await lifecycle.open(
            subcase_type="payroll.setup",
            due_date=today + timedelta(days=30 + 7 * n),
            fields={"employee_name": f"Medarbejder {n}"},
        )
        for n in range(count)
    ]

    async def all_listed() -> bool:
        page = (await api.get("/api/v1/queues/payroll/items", as_="paula")).json()
        return len(page["items"]) == count

    await wait_for(all_listed, what="the payroll items")
    return ids


async def test_a_queue_pages_back_and_forth_by_address_and_searches_in_the_post_body(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    ids = await payroll_items(api, lifecycle, 5)
    async with workspace_of(system, "paula") as paula:
        first = await paula.get("/workspace/queues/payroll")
        assert first.status_code == 200
        assert ROW.findall(first.text) == ids[:2]
        assert "5 åbne" in first.text
        assert PREVIOUS.search(first.text) is None
        to_second = NEXT.search(first.text)
        assert to_second is not None

        second = await paula.get(html.unescape(to_second.group(1)))
        assert ROW.findall(second.text) == ids[2:4]
        to_third, to_first = NEXT.search(second.text), PREVIOUS.search(second.text)
        assert to_third is not None and to_first is not None
        third = await paula.get(html.unescape(to_third.group(1)))
        assert ROW.findall(third.text) == ids[4:]
        assert NEXT.search(third.text) is None
        assert "Første side" in third.text
        back = PREVIOUS.search(third.text)
        assert back is not None
        again = await paula.get(html.unescape(back.group(1)))
        assert ROW.findall(again.text) == ids[2:4]
        assert ROW.findall((await paula.get(html.unescape(to_first.group(1)))).text) == ids[:2]

        found = await paula.post("/workspace/queues/payroll", data={"text": "medarbejder 1"})
        assert ROW.findall(found.text) == [ids[1]]
        assert "medarbejder" not in unquote(ITEM_LINK.findall(found.text)[0]).lower()
        no_words = await paula.post("/workspace/queues/payroll", data={"text": " "})
        assert (no_words.status_code, no_words.headers["location"]) == (
            303,
            "/workspace/queues/payroll",
        )

        await act(api, ids[0], "claim")
        mine = await paula.get("/workspace/queues/payroll?mine=1")
        assert ROW.findall(mine.text) == [ids[0]]
        closed = await paula.get("/workspace/queues/payroll?status=closed")
        assert ROW.findall(closed.text) == []
        assert "Ingen opgaver passer." in closed.text
        odd = await paula.get("/workspace/queues/payroll?status=nonsense&after=%%%")
        assert odd.status_code == 400


async def test_back_to_the_queue_keeps_the_filter_and_only_leads_within_the_workspace(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle
) -> None:
    [item] = await payroll_items(api, lifecycle, 1)
    async with workspace_of(system, "paula") as paula:
        queue = await paula.get("/workspace/queues/payroll?status=queued&mine=")
        [back] = ITEM_LINK.findall(queue.text)
        assert unquote(back) == "/workspace/queues/payroll?status=queued"
        page = await paula.get(f"/workspace/items/{item}?back={back}")
        assert 'href="/workspace/queues/payroll?status=queued" id="back-to-queue"' in page.text
        claimed = await paula.post(f"/workspace/items/{item}/claim", data={"back": unquote(back)})
        assert unquote(claimed.headers["location"]) == (
            f"/workspace/items/{item}?done=claim&back={unquote(back)}"
        )
        for elsewhere in ("https://evil.example/", "//evil.example/", "/admin/", "/workspace/x"):
            page = await paula.get(f"/workspace/items/{item}", params={"back": elsewhere})
            assert 'href="/workspace/queues/payroll" id="back-to-queue"' in page.text


async def test_the_item_names_the_reporter_and_case_and_offers_no_claim_of_taken_work(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle
) -> None:
    item = await lifecycle.open(
        subcase_type="payroll.setup",
        case_number="LC-2026-000042",
        reporter_name="Rita Reporter",
    )
    await wait_for(lambda: _listed(api, item), what="the payroll item")
    async with workspace_of(system, "lene") as lene:
        await lene.get("/workspace/")  # the users directory learns Lene's name
    await act(api, item, "claim", as_="lene")
    async with workspace_of(system, "paula") as paula:
        queue = await paula.get("/workspace/queues/payroll")
        assert "LC-2026-000042" in queue.text
        assert "Lene Lønchef" in queue.text
        page = await paula.get(f"/workspace/items/{item}")
        assert '<dd id="item-case-number">LC-2026-000042</dd>' in page.text
        assert '<dd id="item-reporter">Rita Reporter</dd>' in page.text
        assert '<dd id="item-assignee">Lene Lønchef</dd>' in page.text
        assert "/claim" not in page.text
        refused = await paula.post(f"/workspace/items/{item}/claim")
        assert refused.status_code == 409
        assert "En anden har allerede taget opgaven." in refused.text


async def test_rejecting_asks_for_confirmation_first(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle
) -> None:
    [item] = await payroll_items(api, lifecycle, 1)
    async with workspace_of(system, "paula") as paula:
        asked = await paula.post(
            f"/workspace/items/{item}/reject", data={"reject_reason": "Forkert enhed"}
        )
        assert asked.status_code == 200
        assert "Afvis opgaven?" in asked.text
        assert 'name="confirmed" value="yes"' in asked.text
        still = (await api.get(f"/api/v1/work-items/{item}", as_="paula")).json()
        assert still["status"] == "queued"
        done = await paula.post(
            f"/workspace/items/{item}/reject",
            data={"reject_reason": "Forkert enhed", "confirmed": "yes"},
        )
        assert done.status_code == 303
    rejected = (await api.get(f"/api/v1/work-items/{item}", as_="paula")).json()
    assert rejected["status"] == "rejected"


async def _listed(api: Api, item: str) -> bool:
    return (await api.get(f"/api/v1/work-items/{item}", as_="paula")).status_code == 200


async def test_refusals_are_pages_in_the_persons_language_never_500s(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle
) -> None:
    [item] = await payroll_items(api, lifecycle, 1)
    async with workspace_of(system, "paula") as paula:
        blank = await paula.post(f"/workspace/items/{item}/resolve", data={"resolution": "  "})
        assert blank.status_code == 422
        assert "Skriv noget i feltet." in blank.text

        nowhere = await paula.post(
            f"/workspace/items/{item}/transfer",
            data={"transfer_queue": "moon", "transfer_reason": "Forkert enhed"},
        )
        assert nowhere.status_code == 422
        assert 'id="transfer_queue-error"' in nowhere.text
        assert "Målkøen er ikke gyldig." in nowhere.text

        done = await paula.post(f"/workspace/items/{item}/resolve", data={"resolution": "Klaret"})
        assert (done.status_code, done.headers["location"]) == (
            303,
            f"/workspace/items/{item}?done=resolve",
        )
        again = await paula.post(
            f"/workspace/items/{item}/reject?lang=en",
            data={"reject_reason": "Fejl", "confirmed": "yes"},
        )
        assert again.status_code == 409
        assert "The work item is already resolved." in again.text

        unknown = await paula.post(f"/workspace/items/{item}/explode", data={})
        assert unknown.status_code == 404
        assert unknown.headers["content-type"].startswith("text/html")

    async with workspace_of(system, "ivan") as ivan:
        hidden = await ivan.get(f"/workspace/items/{item}")
        assert hidden.status_code == 404
        assert "Kunne ikke finde opgaven." in hidden.text
        acting = await ivan.post(f"/workspace/items/{item}/note", data={"note": "Hej"})
        assert acting.status_code == 404


async def test_a_lead_assigns_within_the_unit_and_the_assignee_puts_it_back(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle
) -> None:
    [item] = await payroll_items(api, lifecycle, 1)
    async with workspace_of(system, "lene") as lene:
        page = await lene.get(f"/workspace/items/{item}")
        assert 'id="assignee"' in page.text  # a lead gets the assign form
        outsider = await lene.post(f"/workspace/items/{item}/assign", data={"assignee": "ivan"})
        assert outsider.status_code == 422
        assert 'id="assignee-error"' in outsider.text
        given = await lene.post(f"/workspace/items/{item}/assign", data={"assignee": "paula"})
        assert given.status_code == 303

    async with workspace_of(system, "paula") as paula:
        page = await paula.get(f"/workspace/items/{item}")
        assert '<dd id="item-assignee">Paula Payroll</dd>' in page.text
        assert 'id="assignee"' not in page.text  # not a lead: no assign form
        refused = await paula.post(f"/workspace/items/{item}/assign", data={"assignee": "lene"})
        assert refused.status_code == 403
        assert "Kun enhedens ledere må fordele dens opgaver." in refused.text
        back = await paula.post(f"/workspace/items/{item}/unassign")
        assert back.status_code == 303
    listed = (await api.get(f"/api/v1/work-items/{item}", as_="paula")).json()
    assert (listed["status"], listed["assignee"]) == ("queued", None)
