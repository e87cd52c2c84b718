"""A consumer killed mid-flow, after its effect committed but before its ack, loses and
duplicates nothing once it is back: JetStream redelivers, the processed record absorbs it."""

from __future__ import annotations

import asyncio
import contextlib

import nats
import pytest
from nats.aio.msg import Msg
from sqlalchemy import func, select

from lifecase_contracts.events import STREAM_NAME, SubcaseOpened, SubcaseRouted
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform.messaging import BatchConsumer
from lifecase_routing.handlers import RoutingHandlers
from lifecase_routing.models import WorkItem, processed_events
from tests.support import Api, submit_hiring, wait_for, wait_until_routed

pytestmark = pytest.mark.integration


async def test_a_routing_consumer_killed_before_its_ack_loses_and_duplicates_nothing(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    routing = system.routing
    await routing.runtime.stop_task("consumer")
    case = await submit_hiring(api)

    async def all_opened() -> bool:
        body = (await api.get(f"/api/v1/cases/{case['id']}", as_="rita")).json()
        return len(body["subcases"]) == 5

    await wait_for(all_opened, what="five sub-cases opened while routing is down")

    committed = asyncio.Event()

    class DiesBeforeItsAck(BatchConsumer):
        async def acknowledge(self, msg: Msg) -> None:
            committed.set()  # the effect and its processed record are committed ...
            await asyncio.Event().wait()  # ... and the process "dies" here, before the ack

    handlers = RoutingHandlers(routing.outbox)
    nc = await nats.connect(system_config.nats_url)
    doomed = DiesBeforeItsAck(
        nc.jetstream(),
        durable="routing",
        batch=1,
        inbox=handlers.inbox(routing.app.state.sessions),
        handlers={SubcaseOpened: handlers.subcase_opened},
        ack_wait=system_config.extra["consumer_ack_wait_seconds"],
        max_deliver=5,
    )
    task = asyncio.create_task(doomed.run())
    await asyncio.wait_for(committed.wait(), timeout=20)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await nc.close()

    assert routing.consumer is not None
    routing.runtime.spawn("consumer", routing.consumer.run)
    await wait_until_routed(api, case["id"])

    async with routing.app.state.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WorkItem)) == 5
        assert await session.scalar(select(func.count()).select_from(processed_events)) == 5

    nc = await nats.connect(system_config.nats_url)
    try:
        js = nc.jetstream()

        async def redelivered_and_acked() -> bool:
            info = await js.consumer_info(STREAM_NAME, "routing")
            # Five events, one delivered twice: the consumer sequence counts deliveries.
            return bool(info.delivered.consumer_seq > 5 and info.num_ack_pending == 0)

        await wait_for(redelivered_and_acked, what="the un-acked event to be redelivered")
        stream = await js.stream_info(STREAM_NAME, subjects_filter=SubcaseRouted.TYPE)
        assert stream.state.subjects == {SubcaseRouted.TYPE: 5}
    finally:
        await nc.close()
    async with routing.app.state.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(WorkItem)) == 5

    async def five_routed_notifications() -> list[object] | None:
        notes = (await api.get("/api/v1/notifications", as_="rita")).json()
        routed = [n for n in notes if n["kind"] == "subcase_routed"]
        return routed if len(routed) >= 5 else None

    assert len(await wait_for(five_routed_notifications, what="routed notifications")) == 5


async def test_the_stream_keeps_events_only_for_the_retention_period(
    system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    nc = await nats.connect(system_config.nats_url)
    try:
        info = await nc.jetstream().stream_info(STREAM_NAME)
    finally:
        await nc.close()
    assert info.config.max_age == 30 * 86_400
