"""A poison message is parked on the dead-letter subject instead of looping forever, and the
consumer goes on with the next one."""

from __future__ import annotations

import nats
import pytest

from lifecase_contracts.events import DEAD_LETTER_PREFIX, STREAM_NAME, SubcaseOpened
from lifecase_embedded.system import SystemConfig
from tests.support import Api, submit_hiring, wait_for, wait_until_routed

pytestmark = pytest.mark.integration


async def test_a_malformed_event_is_dead_lettered_and_the_flow_goes_on(
    api: Api, system_config: SystemConfig
) -> None:
    nc = await nats.connect(system_config.nats_url)
    try:
        js = nc.jetstream()
        dead = await js.subscribe(f"{DEAD_LETTER_PREFIX}.routing", stream=STREAM_NAME)
        await js.publish(
            SubcaseOpened.TYPE,
            b'{"type": "lifecase.subcase.opened", "data": 1}',
            headers={"Nats-Msg-Id": "poison-1"},
        )

        parked = await dead.next_msg(timeout=20)
        assert parked.data == b'{"type": "lifecase.subcase.opened", "data": 1}'
        assert parked.headers is not None
        assert parked.headers["Lifecase-Original-Subject"] == SubcaseOpened.TYPE

        case = await submit_hiring(api)
        await wait_until_routed(api, case["id"])

        async def nothing_pending() -> bool:
            info = await js.consumer_info(STREAM_NAME, "routing")
            return bool(info.num_ack_pending == 0 and info.num_pending == 0)

        await wait_for(nothing_pending, what="the routing consumer to be caught up")
    finally:
        await nc.close()
