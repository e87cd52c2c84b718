"""Event handlers of the routing service, listed in one registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lifecase_contracts.events import Envelope, EventData, SubcaseOpened
from lifecase_platform.db import SessionFactory
from lifecase_platform.inbox import handle_once
from lifecase_platform.messaging import Handler
from lifecase_platform.outbox import Outbox
from lifecase_routing.models import processed_events
from lifecase_routing.service import route_subcase

CONSUMER = "routing"


@dataclass
class RoutingHandlers:
    sessions: SessionFactory
    outbox: Outbox

    async def subcase_opened(self, envelope: Envelope[SubcaseOpened]) -> None:
        """Route a newly opened sub-case into a queue (once per event)."""
        await handle_once(
            self.sessions,
            processed_events,
            consumer=CONSUMER,
            event_id=envelope.id,
            effect=lambda session: route_subcase(
                session=session, outbox=self.outbox, opened=envelope.data
            ),
        )

    def registry(self) -> Mapping[type[EventData], Handler]:
        return {SubcaseOpened: self.subcase_opened}
