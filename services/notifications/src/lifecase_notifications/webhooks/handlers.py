"""The webhooks' consumer: every offered event becomes a pending delivery for each active
subscription that wants it, in the batch's transaction; the sender sends them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import EVENT_TYPES, Envelope, EventData
from lifecase_notifications.webhooks.payload import OFFERED
from lifecase_notifications.webhooks.service import record_deliveries
from lifecase_platform.messaging import SessionHandler

# Its own durable consumer: a slow or failing subscriber never holds up the reporter's
# notifications, and the other way round.
DURABLE = "notifications-webhooks"


class WebhookHandlers:
    async def record(self, session: AsyncSession, envelope: Envelope[Any]) -> None:
        """Record the event's deliveries, once per event and subscription."""
        await record_deliveries(session=session, envelope=envelope)

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {EVENT_TYPES[t]: self.record for t in OFFERED if t in EVENT_TYPES}
