"""State survives a restart of the services: a case filed before it completes after it."""

from __future__ import annotations

import httpx
import pytest

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from tests.support import Api, resolve_as_unit_workers, submit_hiring, wait_for, wait_until_routed

pytestmark = pytest.mark.integration


async def test_a_case_filed_before_a_restart_completes_after_it(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    case = await wait_until_routed(api, (await submit_hiring(api))["id"])
    await system.stop()

    again = EmbeddedSystem(system_config)
    await again.start()
    try:
        transport = httpx.ASGITransport(app=again.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://lifecase") as client:
            after = Api(client, again.token)
            assert len((await after.get("/api/v1/event-types", as_="rita")).json()) == 5
            await resolve_as_unit_workers(after, case)

            async def completed() -> bool:
                body = (await after.get(f"/api/v1/cases/{case['id']}", as_="rita")).json()
                return bool(body["status"] == "completed")

            await wait_for(completed, what="the case to complete after the restart")
    finally:
        await again.stop()
