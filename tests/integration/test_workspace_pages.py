"""The caseworker workspace against the real system (NATS, SQLite and PostgreSQL), over HTTP
as a browser without JavaScript would use it: forms posted, redirects followed. What the
browser tests leave out: paging, and refusals that must be pages, never 500s."""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

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


async def test_a_queue_page_turns_to_the_next_page_and_searches_in_the_post_body(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    ids = await payroll_items(api, lifecycle, 3)
    async with workspace_of(system, "paula") as paula:
        first = await paula.get("/workspace/queues/payroll")
        assert first.status_code == 200
        assert ROW.findall(first.text) == ids[:2]
        assert "3 åbne" in first.text
        after = AFTER.search(first.text)
        assert after is not None

        second = await paula.post(
            "/workspace/queues/payroll", data={"status": "open", "after": after.group(1)}
        )
        assert ROW.findall(second.text) == ids[2:]
        assert AFTER.search(second.text) is None
        assert "Første side" in second.text

        found = await paula.post("/workspace/queues/payroll", data={"text": "medarbejder 1"})
        assert ROW.findall(found.text) == [ids[1]]

        await act(api, ids[0], "claim")
        mine = await paula.post("/workspace/queues/payroll", data={"mine": "1"})
        assert ROW.findall(mine.text) == [ids[0]]
        closed = await paula.post("/workspace/queues/payroll", data={"status": "closed"})
        assert ROW.findall(closed.text) == []
        assert "Ingen opgaver passer." in closed.text


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
            f"/workspace/items/{item}/reject?lang=en", data={"reject_reason": "Fejl"}
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
        assert '<dd id="item-assignee">paula</dd>' in page.text
        assert 'id="assignee"' not in page.text  # not a lead: no assign form
        refused = await paula.post(f"/workspace/items/{item}/assign", data={"assignee": "lene"})
        assert refused.status_code == 403
        assert "Kun enhedens ledere må fordele dens opgaver." in refused.text
        back = await paula.post(f"/workspace/items/{item}/unassign")
        assert back.status_code == 303
    listed = (await api.get(f"/api/v1/work-items/{item}", as_="paula")).json()
    assert (listed["status"], listed["assignee"]) == ("queued", None)
