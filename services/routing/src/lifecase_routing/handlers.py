"""Event handlers of the routing service, listed in one registry. Each runs its effect once
per event: the processed-event record commits with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
from lifecase_platform.messaging import Inbox, SessionHandler
from lifecase_platform.outbox import Outbox
from lifecase_routing import workitems
from lifecase_routing.erasure import erase_case
from lifecase_routing.models import processed_events
from lifecase_routing.route import route_subcase
from lifecase_routing.rulesets import CompiledRuleSets

CONSUMER = "routing"


@dataclass
class RoutingHandlers:
    """Each handler writes through the batch's session; the consumer records the event as
    processed in the same transaction (``lifecase_platform.messaging.BatchConsumer``)."""

    outbox: Outbox
    compiled: CompiledRuleSets = field(default_factory=CompiledRuleSets)

    async def subcase_opened(
        self, session: AsyncSession, envelope: Envelope[SubcaseOpened]
    ) -> None:
        """Route a newly opened sub-case into a queue."""
        await route_subcase(
            session=session,
            outbox=self.outbox,
            opened=envelope.data,
            compiled=self.compiled,
            opened_at=envelope.time,
        )

    async def subcase_cancelled(
        self, session: AsyncSession, envelope: Envelope[SubcaseCancelled]
    ) -> None:
        """The case no longer needs the sub-case: its open item is cancelled."""
        await workitems.cancel(session=session, cancelled=envelope.data)

    async def due_date_changed(
        self, session: AsyncSession, envelope: Envelope[SubcaseDueDateChanged]
    ) -> None:
        """The case moved the sub-case's due date: the item's SLA clock follows."""
        await workitems.change_due_date(session=session, changed=envelope.data)

    async def reporter_replied(
        self, session: AsyncSession, envelope: Envelope[ReporterReplied]
    ) -> None:
        """The reporter wrote: the message joins the items it is for (an answered item
        resumes), and their caseworkers are told (``ReplyFiled``)."""
        await workitems.reporter_replied(session=session, outbox=self.outbox, replied=envelope.data)

    async def case_erased(self, session: AsyncSession, envelope: Envelope[CaseErased]) -> None:
        """The case's retention period has ended: its personal data goes."""
        await erase_case(session=session, outbox=self.outbox, erased=envelope.data)

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {
            CaseErased: self.case_erased,
            SubcaseOpened: self.subcase_opened,
            SubcaseCancelled: self.subcase_cancelled,
            SubcaseDueDateChanged: self.due_date_changed,
            ReporterReplied: self.reporter_replied,
        }

    def inbox(self, sessions: SessionFactory) -> Inbox:
        return Inbox(sessions=sessions, consumer=CONSUMER, processed=processed_events)
