"""Rows as clients see them (the contract's models)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import WorkItemDetail, WorkItemPublic
from lifecase_contracts.events import AttachmentRef, Localized
from lifecase_contracts.workspace import (
    CommentPublic,
    RoutingTrace,
    TransferPublic,
)
from lifecase_platform.db import as_utc
from lifecase_routing.models import Comment, Transfer, Unit, WorkItem
from lifecase_routing.sla import SlaClock, sla_of


def to_public(
    item: WorkItem, clock: SlaClock, today: date, transfers: Iterable[Transfer] = ()
) -> WorkItemPublic:
    return WorkItemPublic(
        id=item.id,
        case_id=item.case_id,
        case_number=item.case_number,
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
        created_at=as_utc(item.created_at),
        reason=item.reason,
        routing=RoutingTrace(
            rule=item.rule,
            ruleset_version=item.ruleset_version,
            transfers=[transfer_public(t) for t in transfers],
        ),
        sla=sla_of(item, clock, today),
        reporter_answered=item.reporter_replied_at is not None,
    )


def to_detail(
    item: WorkItem,
    clock: SlaClock,
    today: date,
    *,
    transfers: Iterable[Transfer],
    comments: Iterable[Comment],
    attachments: Mapping[str, list[AttachmentRef]] | None = None,
) -> WorkItemDetail:
    public = to_public(item, clock, today, transfers)
    entries = [comment_public(c, (attachments or {}).get(c.id, [])) for c in comments]
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
        at=as_utc(transfer.at),
    )


def comment_public(
    comment: Comment, attachments: list[AttachmentRef] | None = None
) -> CommentPublic:
    return CommentPublic(
        id=comment.id,
        kind=comment.kind,
        author=comment.author,
        text=comment.text,
        in_reply_to=comment.in_reply_to,
        created_at=as_utc(comment.created_at),
        attachments=attachments or [],
    )


async def unit_name(session: AsyncSession, unit: str) -> Localized | None:
    """A unit's name in Danish and English, for the people who read about it."""
    found = await session.get(Unit, unit)
    return Localized(da=found.name_da, en=found.name_en) if found else None
