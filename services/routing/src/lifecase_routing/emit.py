"""One way for routing to publish: stage the event in the caller's transaction (outbox), with
an id derived from what happened, so that a retried effect cannot publish twice."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    Envelope,
    InfoRequested,
    ReplyFiled,
    SlaBreached,
    SlaDueSoon,
    SubcaseClaimed,
    SubcaseRejected,
    SubcaseReleased,
    SubcaseResolved,
    SubcaseRouted,
    derived_id,
)
from lifecase_platform.outbox import Outbox

SOURCE = "lifecase/routing"

RoutingEvent = (
    SubcaseRouted
    | SubcaseClaimed
    | SubcaseReleased
    | SubcaseResolved
    | SubcaseRejected
    | InfoRequested
    | SlaBreached
    | SlaDueSoon
    | ReplyFiled
)


async def emit(
    session: AsyncSession, outbox: Outbox, event: RoutingEvent, *id_parts: object
) -> None:
    """Stage ``event`` (subject: its case id) with an id derived from ``id_parts``."""
    await outbox.add(
        session,
        Envelope.wrap(event, source=SOURCE, subject=event.case_id, id=derived_id(*id_parts)),
    )
