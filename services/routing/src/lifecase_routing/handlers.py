"""Event handlers of the routing service, listed in one registry. Each runs its effect once
per event: the processed-event record commits with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    CaseErased,
    Envelope,
    EventData,
    ReporterReplied,
    SubcaseCancelled,
    SubcaseDueDateChanged,
    SubcaseOpened,
)
from lifecase_platform.db import SessionFactory
from lifecase_platform.inbox import handle_once
from lifecase_platform.messaging import Handler
from lifecase_platform.outbox import Outbox
from lifecase_routing import workitems
from lifecase_routing.erasure import erase_case
from lifecase_routing.models import processed_events
from lifecase_routing.rulesets import route_subcase

CONSUMER = "routing"


@dataclass
class RoutingHandlers:
    sessions: SessionFactory
    outbox: Outbox

    async def _once(
        self, envelope: Envelope[Any], effect: Callable[[AsyncSession], Awaitable[None]]
    ) -> None:
        await handle_once(
            self.sessions, processed_events, consumer=CONSUMER, event_id=envelope.id, effect=effect
        )

    async def subcase_opened(self, envelope: Envelope[SubcaseOpened]) -> None:
        """Route a newly opened sub-case into a queue."""
        await self._once(
            envelope,
            lambda s: route_subcase(session=s, outbox=self.outbox, opened=envelope.data),
        )

    async def subcase_cancelled(self, envelope: Envelope[SubcaseCancelled]) -> None:
        """The case no longer needs the sub-case: its open item is cancelled."""
        await self._once(envelope, lambda s: workitems.cancel(session=s, cancelled=envelope.data))

    async def due_date_changed(self, envelope: Envelope[SubcaseDueDateChanged]) -> None:
        """The case moved the sub-case's due date: the item's SLA clock follows."""
        await self._once(
            envelope, lambda s: workitems.change_due_date(session=s, changed=envelope.data)
        )

    async def reporter_replied(self, envelope: Envelope[ReporterReplied]) -> None:
        """The reporter answered: the reply joins the items it answers, which resume."""
        await self._once(
            envelope, lambda s: workitems.reporter_replied(session=s, replied=envelope.data)
        )

    async def case_erased(self, envelope: Envelope[CaseErased]) -> None:
        """The case's retention period has ended: its personal data goes."""
        await self._once(
            envelope, lambda s: erase_case(session=s, outbox=self.outbox, erased=envelope.data)
        )

    def registry(self) -> Mapping[type[EventData], Handler]:
        return {
            CaseErased: self.case_erased,
            SubcaseOpened: self.subcase_opened,
            SubcaseCancelled: self.subcase_cancelled,
            SubcaseDueDateChanged: self.due_date_changed,
            ReporterReplied: self.reporter_replied,
        }
