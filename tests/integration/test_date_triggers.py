"""Date triggers are durable timers: on Temporal's time-skipping test server, a welcome
package scheduled weeks ahead opens when that day comes, with no polling in between."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform.workdays import WorkdayCalendar, today_in_denmark
from tests.support import (
    Api,
    database_urls,
    hiring_data,
    statuses,
    subcases,
    submit,
    wait_for,
    wait_for_case,
)

pytestmark = pytest.mark.integration

TEST_SERVER = Path(sys.executable).parent / "temporal-test-server"


@pytest.fixture
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=str(TEST_SERVER))
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
async def skipping_api(
    time_skipping: WorkflowEnvironment, nats_url: str, tmp_path: Path
) -> AsyncIterator[Api]:
    address = time_skipping.client.service_client.config.target_host
    async with database_urls("sqlite", tmp_path) as urls:
        system = EmbeddedSystem(
            SystemConfig(
                nats_url=nats_url,
                temporal_address=address,
                database_urls=urls,
                dev_token_secret=uuid.uuid4().hex,
                task_queue=f"lifecase-{uuid.uuid4().hex}",
                extra={"environment": "test", "outbox_poll_seconds": 0.2},
            )
        )
        await system.start()
        try:
            transport = httpx.ASGITransport(app=system.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                api = Api(client, system.token)

                async def hiring_listed() -> bool:
                    types = (await api.get("/api/v1/event-types", as_="rita")).json()
                    return any(t["key"] == "hiring" for t in types)

                await wait_for(hiring_listed, what="the hiring template")
                yield api
        finally:
            await system.stop()


async def test_a_welcome_package_scheduled_weeks_ahead_opens_on_its_day(
    skipping_api: Api, time_skipping: WorkflowEnvironment
) -> None:
    api = skipping_api
    start = today_in_denmark() + timedelta(days=60)
    case = await submit(api, "hiring", hiring_data(start_date=start.isoformat()))
    planned = await wait_for_case(
        api,
        case["id"],
        lambda c: (
            statuses(c).get("welcome_package") == "scheduled"
            and statuses(c).get("employment_contract") == "routed"
        ),
        what="the plan",
    )
    assert (
        subcases(planned)["welcome_package"]["opens_on"] == (start - timedelta(days=14)).isoformat()
    )

    await time_skipping.sleep(timedelta(days=30))
    still = (await api.get(f"/api/v1/cases/{case['id']}", as_="rita")).json()
    assert statuses(still)["welcome_package"] == "scheduled", "opened a fortnight too early"

    await time_skipping.sleep(timedelta(days=17))
    opened = await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c)["welcome_package"] == "routed",
        what="the welcome package to open on its day",
    )
    assert statuses(opened)["it_equipment"] == "routed"
    # Due one Danish working day before the first working day.
    assert (
        subcases(opened)["welcome_package"]["due_date"]
        == WorkdayCalendar().add_working_days(start, -1).isoformat()
    )
