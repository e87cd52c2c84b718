"""Retention and erasure: once a closed case's retention period has ended (shortened to zero
here), its personal data is gone from every service's database and from the event stream,
each service records what it erased in the access log, and an auditor still finds who read
the case before."""

from __future__ import annotations

import uuid
from typing import Any

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import MetaData, select

from lifecase_contracts.events import STREAM_NAME
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_insight.models import Base as InsightBase
from lifecase_intake.models import Base as IntakeBase
from lifecase_lifecycle.models import Base as LifecycleBase
from lifecase_notifications.models import Base as NotificationsBase
from lifecase_routing.models import Base as RoutingBase
from tests.support import Api, resolve_as_unit_workers, wait_for, wait_for_case
from tests.workspace import act, routed_hiring, subcase_in

pytestmark = pytest.mark.integration

METADATA: dict[str, MetaData] = {
    "intake": IntakeBase.metadata,
    "lifecycle": LifecycleBase.metadata,
    "routing": RoutingBase.metadata,
    "notifications": NotificationsBase.metadata,
    "insight": InsightBase.metadata,  # ids and times only: it must never hold personal data
}


@pytest.fixture
def system_config(system_config: SystemConfig) -> SystemConfig:
    system_config.extra = {
        **system_config.extra,
        "case_retention_days": 0,
        "retention_check_seconds": 0.3,
    }
    return system_config


async def _tables_holding(system: EmbeddedSystem, needles: list[str]) -> list[str]:
    """``service.table`` for every table, in every service's database, with a row that
    mentions any of ``needles``."""
    found = []
    for name, service in system.services.items():
        async with service.app.state.sessions() as session:
            for table in METADATA[name].sorted_tables:
                rows = (await session.execute(select(table))).all()
                if any(n in repr(row) for row in rows for n in needles):
                    found.append(f"{name}.{table.name}")
    return found


async def _stream_messages_holding(nats_url: str, needles: list[str]) -> int:
    """How many events in the stream mention any of ``needles`` (-1: the stream changed
    under the read)."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
        subscription = await js.pull_subscribe("lifecase.>", stream=STREAM_NAME, config=config)
        holding, pending = 0, (await js.stream_info(STREAM_NAME)).state.messages > 0
        while pending:
            try:
                messages = await subscription.fetch(200, timeout=5)
            except TimeoutError:
                return -1  # the job deleted what was pending while we read: read again
            for msg in messages:
                holding += any(n.encode() in msg.data for n in needles)
                pending = msg.metadata.num_pending > 0
        return holding
    finally:
        await connection.close()


async def test_a_closed_cases_personal_data_is_erased_everywhere_and_the_erasure_recorded(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    name, cpr = f"Ingrid Glemsel{uuid.uuid4().hex[:6]}", "1204871234"
    needles = [name, cpr, "Ringede til Ingrid"]
    case = await routed_hiring(api, employee_name=name, cpr=cpr)
    assert (await api.get(f"/api/v1/cases/{case['id']}", as_="ada")).status_code == 200
    payroll = subcase_in(case, "payroll")
    noted = await act(api, payroll["id"], "notes", text="Ringede til Ingrid om kontonummer")
    assert noted.status_code == 201, noted.text
    assert await _tables_holding(system, needles), "the case's data should be stored first"
    assert await _stream_messages_holding(system_config.nats_url, needles) > 0  # none erased yet

    await resolve_as_unit_workers(api, case)
    erased = await wait_for_case(
        api,
        case["id"],
        lambda c: c["status"] == "completed" and c["data"] == {},
        what="the completed case to lose its data",
    )
    assert erased["messages"] == [] and erased["timeline"] == []
    assert [s["status"] for s in erased["subcases"]] == ["resolved"] * 5

    async def nothing_left() -> bool:
        return not await _tables_holding(system, needles)

    await wait_for(nothing_left, what="every database to forget the case's personal data")

    async def stream_forgot() -> bool:
        return await _stream_messages_holding(system_config.nats_url, needles) == 0

    await wait_for(stream_forgot, what="the event stream to forget the case's personal data")

    async def erasures_logged() -> list[dict[str, Any]] | None:
        lines = (
            await api.get("/api/v1/access-log", as_="alma", params={"case_id": case["id"]})
        ).json()
        sources = {r["source"] for r in lines if r["action"] == "case.erased"}
        wanted = {"lifecase/intake", "lifecase/routing", "lifecase/lifecycle"}
        return lines if sources >= wanted else None

    lines = await wait_for(erasures_logged, what="each service's erasure in the access log")
    erasures = [r for r in lines if r["action"] == "case.erased"]
    assert {r["actor"] for r in erasures} == {"lifecase-retention"}
    by_source = {r["source"]: r["reason"] for r in erasures}
    assert "cases: 1" in by_source["lifecase/intake"]
    assert "comments: 1" in by_source["lifecase/routing"]
    assert "work_items: 5" in by_source["lifecase/routing"]
    # who read the CPR before the erasure is still known
    reads = {(r["actor"], r["reason"]) for r in lines if r["action"] == "case.read"}
    assert ("ada", "administrator") in reads


async def test_a_running_case_keeps_its_data(api: Api, system: EmbeddedSystem) -> None:
    name = f"Ingrid Igang{uuid.uuid4().hex[:6]}"
    case = await routed_hiring(api, employee_name=name)
    # a later case that completes proves the retention job has run since
    other = await routed_hiring(api)
    await resolve_as_unit_workers(api, other)
    await wait_for_case(
        api, other["id"], lambda c: c["data"] == {}, what="the completed case to be erased"
    )
    running = (await api.get(f"/api/v1/cases/{case['id']}", as_="rita")).json()
    assert running["data"]["employee_name"] == name
    assert "routing.work_items" in await _tables_holding(system, [name])
