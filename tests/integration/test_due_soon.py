"""An item its caseworker holds comes near its due date: she is told once, however often the
scan runs; and the demo's caseworkers are shown by name before they ever open the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import nats
import pytest
from babel.dates import format_date
from sqlalchemy import select

from lifecase_contracts.events import STREAM_NAME, SlaDueSoon, derived_id
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform.workdays import WorkdayCalendar, today_in_denmark
from lifecase_routing import sla
from lifecase_routing.models import outbox
from tests.support import Api, page_client, wait_for
from tests.workspace import Lifecycle, act, wait_for_item

pytestmark = pytest.mark.integration

NOTIFICATIONS = "/api/v1/notifications"


@pytest.fixture(autouse=True)
def fast_sla_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIFECASE_ROUTING_SLA_CHECK_SECONDS", "0.2")
    yield


@pytest.fixture
def lifecycle(system_config: SystemConfig) -> Lifecycle:
    return Lifecycle(system_config.nats_url)


async def due_soon_notices(api: Api, user: str) -> list[dict[str, Any]]:
    listed = (await api.get(NOTIFICATIONS, as_=user)).json()
    return [n for n in listed if n["kind"] == "sla_due_soon"]


async def published_due_soon(system_config: SystemConfig) -> int:
    nc = await nats.connect(system_config.nats_url)
    try:
        stream = await nc.jetstream().stream_info(STREAM_NAME, subjects_filter=SlaDueSoon.TYPE)
        return (stream.state.subjects or {}).get(SlaDueSoon.TYPE, 0)
    finally:
        await nc.close()


async def claimed_item_due_on_the_next_working_day(
    api: Api, lifecycle: Lifecycle
) -> tuple[str, str]:
    """A payroll item paula claimed while it was far from due, then moved to be due on the
    next working day (inside the default two-day window). Returns its id and the date."""
    today = today_in_denmark()
    item_id = await lifecycle.open(subcase_type="payroll.setup", due_date=today + timedelta(60))
    routed = await wait_for_item(api, item_id, lambda i: True, what="the payroll item")
    assert routed["sla"]["state"] == "on_track"
    assert (await act(api, item_id, "claim")).status_code == 200
    due = WorkdayCalendar.with_closing_days([]).add_working_days(today, 1)
    await lifecycle.move_due_date(routed, routed["case_id"], due)
    await wait_for_item(
        api, item_id, lambda i: i["sla"]["state"] == "due_soon", what="the item due soon"
    )
    return item_id, due.isoformat()


async def test_the_assignee_of_an_item_due_soon_is_told_once_however_often_the_scan_runs(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig, lifecycle: Lifecycle
) -> None:
    item_id, due = await claimed_item_due_on_the_next_working_day(api, lifecycle)

    async def one_notice() -> list[dict[str, Any]] | None:
        return await due_soon_notices(api, "paula") or None

    [notice] = await wait_for(one_notice, what="paula's due-soon notice")
    today = today_in_denmark()
    when = (
        "i morgen"
        if due == (today + timedelta(days=1)).isoformat()
        else f"den {format_date(date.fromisoformat(due), 'long', locale='da_DK')}"
    )
    assert notice["text"] == f"»Lønoprettelse« skal være færdig {when}"
    assert notice["link"] == f"/workspace/items/{item_id}"
    assert notice["action_required"] is False
    english = (await api.get(NOTIFICATIONS, as_="paula", headers={"Accept-Language": "en"})).json()
    assert any(n["text"].startswith("“Lønoprettelse” is due ") for n in english)

    # The periodic scan has run many times by now; run it twice more here. A replica that
    # reported it as well would use the same event id, which JetStream keeps once.
    routing = system.routing
    for _ in range(2):
        async with routing.app.state.sessions() as session, session.begin():
            again = await sla.report_due_soon(
                session=session, outbox=routing.outbox, today=today_in_denmark()
            )
        assert again == 0
    async with routing.app.state.sessions() as session:
        staged = list(
            await session.scalars(select(outbox.c.id).where(outbox.c.subject == SlaDueSoon.TYPE))
        )
    assert staged == [derived_id("sla-due-soon", item_id, due)]
    assert await published_due_soon(system_config) == 1, "JetStream kept one report"
    assert len(await due_soon_notices(api, "paula")) == 1
    assert await due_soon_notices(api, "lene") == []


async def test_a_queue_names_the_demo_caseworkers_before_they_open_the_workspace(
    api: Api, system: EmbeddedSystem, lifecycle: Lifecycle
) -> None:
    item_id = await lifecycle.open(subcase_type="payroll.setup")
    await wait_for_item(api, item_id, lambda i: True, what="the payroll item")
    # Paula works through the API only: routing never saw her sign in to the workspace.
    assert (await act(api, item_id, "claim")).status_code == 200

    async with page_client(system.app, "/workspace", "lene") as lene:
        queue = await lene.get("/workspace/queues/payroll")
    assert queue.status_code == 200
    assert "Paula Payroll" in queue.text
