"""Rows as clients see them (the contract's models)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import WorkItemDetail, WorkItemPublic
from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import (
    CommentPublic,
    RoutingTrace,
    SlaPublic,
    TransferPublic,
)
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.models import Comment, Transfer, Unit, WorkItem
from lifecase_routing.sla import SlaClock


def utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sla_of(item: WorkItem, clock: SlaClock, today: date) -> SlaPublic:
    paused = item.sla_paused_at is not None
    reference = today_in_denmark(utc(item.sla_paused_at)) if item.sla_paused_at else today
    closed_on = today_in_denmark(utc(item.closed_at)) if item.closed_at else None
    return SlaPublic(
        due_date=item.due_date,
        state=clock.state(due=item.due_date, reference_day=reference, closed_on=closed_on),
        paused=paused,
        paused_since=utc(item.sla_paused_at) if item.sla_paused_at else None,
    )


def to_public(
    item: WorkItem, clock: SlaClock, today: date, transfers: Iterable[Transfer] = ()
) -> WorkItemPublic:
    return WorkItemPublic(
        id=item.id,
        case_id=item.case_id,
        activity=item.activity,
        subcase_type=item.subcase_type,
        title=Localized(da=item.title_da, en=item.title_en),
        queue=item.queue,
        status=item.status,
        assignee=item.assignee,
        due_date=item.due_date,
        fields=item.fields,
        routed_by_rule=item.rule,
        resolution=item.resolution,
        created_at=utc(item.created_at),
        reason=item.reason,
        routing=RoutingTrace(
            rule=item.rule,
            ruleset_version=item.ruleset_version,
            transfers=[transfer_public(t) for t in transfers],
        ),
        sla=sla_of(item, clock, today),
    )


def to_detail(
    item: WorkItem,
    clock: SlaClock,
    today: date,
    *,
    transfers: Iterable[Transfer],
    comments: Iterable[Comment],
) -> WorkItemDetail:
    public = to_public(item, clock, today, transfers)
    entries = [comment_public(c) for c in comments]
    return WorkItemDetail(
        **public.model_dump(),
        notes=[c for c in entries if c.kind == "note"],
        messages=[c for c in entries if c.kind != "note"],
    )


def transfer_public(transfer: Transfer) -> TransferPublic:
    return TransferPublic(
        from_queue=transfer.from_queue,
        to_queue=transfer.to_queue,
        reason=transfer.reason,
        by=transfer.by,
        at=utc(transfer.at),
    )


def comment_public(comment: Comment) -> CommentPublic:
    return CommentPublic(
        id=comment.id,
        kind=comment.kind,
        author=comment.author,
        text=comment.text,
        in_reply_to=comment.in_reply_to,
        created_at=utc(comment.created_at),
    )


async def unit_name(session: AsyncSession, unit: str) -> Localized | None:
    """A unit's name in Danish and English, for the people who read about it."""
    found = await session.get(Unit, unit)
    return Localized(da=found.name_da, en=found.name_en) if found else None
