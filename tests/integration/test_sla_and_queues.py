"""SLA clocks on Danish working days, breaches reported once (and never while the reporter is
asked), the case's cancellations and new due dates, and queue listing for people and robots."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import nats
import pytest
from sqlalchemy import select

from lifecase_contracts.events import STREAM_NAME, SlaBreached
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform.workdays import WorkdayCalendar, today_in_denmark
from lifecase_routing.models import outbox
from tests.support import Api, wait_for
from tests.workspace import (
    Lifecycle,
    act,
    item,
    put,
    routed_hiring,
    subcase_in,
    wait_for_item,
)

pytestmark = pytest.mark.integration

LONG_AGO = date(2025, 6, 2)  # a Monday, long past


@pytest.fixture(autouse=True)
def fast_sla_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Routing checks SLAs every LIFECASE_ROUTING_SLA_CHECK_SECONDS; a minute is too slow here."""
    monkeypatch.setenv("LIFECASE_ROUTING_SLA_CHECK_SECONDS", "0.2")
    yield


@pytest.fixture
def lifecycle(system_config: SystemConfig) -> Lifecycle:
    return Lifecycle(system_config.nats_url)


async def test_due_dates_count_working_days_and_skip_the_municipalitys_closing_days(
    api: Api, lifecycle: Lifecycle
) -> None:
    policy = {
        "default_working_days": 10,
        "due_soon_working_days": 2,
        "targets": {"payroll.bonus": 3},
        "closing_days": ["12-24", "12-31"],
    }
    assert (await put(api, "/api/v1/routing/sla-policy", as_="ada", json=policy)).status_code == 200

    bonus = await lifecycle.open(subcase_type="payroll.bonus")
    christmas_eve = await lifecycle.open(subcase_type="payroll.setup", due_date=date(2027, 12, 24))

    bonus_item = await wait_for_item(api, bonus, lambda i: True, what="the bonus item")
    expected = WorkdayCalendar.with_closing_days(["12-24", "12-31"]).add_working_days(
        today_in_denmark(), 3
    )
    assert bonus_item["sla"]["due_date"] == expected.isoformat()
    assert date.fromisoformat(bonus_item["sla"]["due_date"]).weekday() < 5
    # 24 December 2027 is a Friday the municipality closes; the weekend holds Christmas.
    moved = await wait_for_item(api, christmas_eve, lambda i: True, what="the christmas item")
    assert moved["sla"]["due_date"] == "2027-12-27"

    bad = await put(
        api, "/api/v1/routing/sla-policy", as_="ada", json={**policy, "closing_days": ["24-12"]}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "closing_days"]
    assert (await api.get("/api/v1/routing/sla-policy", as_="ada")).json() == policy


async def test_a_breach_is_reported_once_and_not_while_the_reporter_is_asked(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig, lifecycle: Lifecycle
) -> None:
    case = await routed_hiring(api)
    payroll, hr = subcase_in(case, "payroll"), subcase_in(case, "hr")
    await act(api, payroll["id"], "request-info", question="Hvornår starter hun?")

    nc = await nats.connect(system_config.nats_url)
    try:
        js = nc.jetstream()
        breaches = await js.subscribe(SlaBreached.TYPE, stream=STREAM_NAME)
        await lifecycle.move_due_date(payroll, case["id"], LONG_AGO)
        await lifecycle.move_due_date(hr, case["id"], LONG_AGO)
        for sub, who in ((payroll, "paula"), (hr, "hans")):
            await wait_for_item(
                api,
                sub["id"],
                lambda i: i["due_date"] == LONG_AGO.isoformat(),
                as_=who,
                what="the new due date",
            )

        first = await breaches.next_msg(timeout=20)
        assert b'"subcase_id":"%s"' % hr["id"].encode() in first.data.replace(b" ", b"")
        late = await item(api, hr["id"], as_="hans")
        assert late["sla"]["state"] == "breached"
        queue = (await api.get("/api/v1/queues/hr", as_="hans")).json()
        assert queue["breached"] == 1

        async with system.routing.app.state.sessions() as session:
            reported = list(
                await session.scalars(
                    select(outbox.c.payload).where(outbox.c.subject == SlaBreached.TYPE)
                )
            )
        assert len(reported) == 1, "the paused payroll item is not breached"
        assert (await item(api, payroll["id"]))["sla"]["paused"] is True

        [question] = (await item(api, payroll["id"]))["messages"]
        answer = {"text": "1. maj", "in_reply_to": question["id"]}
        await api.post(f"/api/v1/cases/{case['id']}/messages", as_="rita", json=answer)
        second = await breaches.next_msg(timeout=20)
        assert payroll["id"].encode() in second.data

        stream = await js.stream_info(STREAM_NAME, subjects_filter=SlaBreached.TYPE)
        assert stream.state.subjects == {SlaBreached.TYPE: 2}, "each breach is reported once"
    finally:
        await nc.close()


async def test_the_cases_cancellation_closes_the_item_and_a_new_due_date_moves_its_clock(
    api: Api, lifecycle: Lifecycle
) -> None:
    case = await routed_hiring(api)
    payroll, it = subcase_in(case, "payroll"), subcase_in(case, "it")
    new_due = today_in_denmark() + timedelta(days=60)
    while new_due.weekday() >= 5:
        new_due += timedelta(days=1)

    await lifecycle.move_due_date(it, case["id"], new_due)
    rescheduled = await wait_for_item(
        api, it["id"], lambda i: i["due_date"] == new_due.isoformat(), as_="ivan", what="moved"
    )
    assert rescheduled["sla"] == {
        "due_date": new_due.isoformat(),
        "state": "on_track",
        "paused": False,
        "paused_since": None,
    }

    await act(api, payroll["id"], "claim")
    await lifecycle.cancel(payroll, case["id"], "Ansættelsen er trukket tilbage")
    cancelled = await wait_for_item(
        api, payroll["id"], lambda i: i["status"] == "cancelled", what="the cancellation"
    )
    assert cancelled["reason"] == "Ansættelsen er trukket tilbage"
    queue = (await api.get("/api/v1/queues/payroll", as_="paula")).json()
    assert (queue["open_count"], queue["counts"]["cancelled"]) == (0, 1)
    assert (await api.get("/api/v1/queues/payroll/items", as_="paula")).json()["items"] == []
    assert (await act(api, payroll["id"], "resolve", resolution="x")).status_code == 409


async def test_a_queue_lists_by_due_date_with_filters_keyset_pages_and_counts(
    api: Api, lifecycle: Lifecycle
) -> None:
    today = today_in_denmark()
    dues = [LONG_AGO, today + timedelta(days=40), today + timedelta(days=20), None]
    ids = [
        await lifecycle.open(
            subcase_type="payroll.setup" if n % 2 == 0 else "payroll.change",
            due_date=due,
            fields={"employee_name": f"Medarbejder {n}"},
        )
        for n, due in enumerate(dues)
    ]

    async def all_listed() -> list[dict[str, Any]] | None:
        page = (await api.get("/api/v1/queues/payroll/items", as_="paula")).json()["items"]
        return page if len(page) == len(ids) else None

    listed = await wait_for(all_listed, what="four payroll items")
    due_dates = [i["due_date"] for i in listed]
    assert due_dates == sorted(due_dates)
    assert listed[0]["id"] == ids[0] and listed[0]["sla"]["state"] == "breached"

    pages: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if after:
            params["after"] = after
        page = (await api.get("/api/v1/queues/payroll/items", as_="paula", params=params)).json()
        pages.extend(i["id"] for i in page["items"])
        after = page["next_cursor"]
        if after is None:
            break
    assert pages == [i["id"] for i in listed]
    latest_first = (
        await api.get("/api/v1/queues/payroll/items", as_="paula", params={"order": "-due"})
    ).json()["items"]
    assert [i["id"] for i in latest_first] == pages[::-1]

    async def ids_for(**search: Any) -> list[str]:
        found = await api.post("/api/v1/queues/payroll/items/search", as_="paula", json=search)
        assert found.status_code == 200, found.text
        return [i["id"] for i in found.json()["items"]]

    assert await ids_for(subcase_type="payroll.change") == [
        i["id"] for i in listed if i["subcase_type"] == "payroll.change"
    ]
    assert await ids_for(text="medarbejder 2") == [ids[2]]
    assert await ids_for(due_before=(today + timedelta(days=30)).isoformat()) == [
        i["id"] for i in listed if i["due_date"] < (today + timedelta(days=30)).isoformat()
    ]
    await act(api, ids[3], "claim")
    assert await ids_for(assignee="me") == [ids[3]]
    assert await ids_for(status="claimed") == [ids[3]]
    assert len(await ids_for(assignee="none")) == 3

    summary = (await api.get("/api/v1/queues/payroll", as_="paula")).json()
    assert (summary["open_count"], summary["breached"]) == (4, 1)
    assert {k: v for k, v in summary["counts"].items() if v} == {"queued": 3, "claimed": 1}
    [listed_queue] = (await api.get("/api/v1/queues", as_="paula")).json()
    assert listed_queue == summary

    bad = await api.get("/api/v1/queues/payroll/items", as_="paula", params={"after": "%%%"})
    assert (bad.status_code, bad.headers["content-type"]) == (400, "application/problem+json")
    wrong = await api.get("/api/v1/queues/payroll/items", as_="paula", params={"status": "lost"})
    assert wrong.status_code == 422
