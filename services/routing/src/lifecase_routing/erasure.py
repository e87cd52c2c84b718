"""Erasing a case's personal data from routing once intake announces ``CaseErased``: the
work items keep their queue, unit, status and dates (the statistics need them) and lose the
carried fields, the search text, every free text a caseworker wrote, and the comments."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import CaseErased
from lifecase_platform.outbox import Outbox
from lifecase_platform.retention import delete_rows, prune_outbox, record_erasure
from lifecase_routing.emit import SOURCE
from lifecase_routing.models import Comment, CommentAttachment, Transfer, TriageExample, WorkItem
from lifecase_routing.models import outbox as outbox_table


async def erase_case(*, session: AsyncSession, outbox: Outbox, erased: CaseErased) -> None:
    items = select(WorkItem.id).where(WorkItem.case_id == erased.case_id).scalar_subquery()
    counts: Counter[str] = Counter()
    comments = select(Comment.id).where(Comment.item_id.in_(items)).scalar_subquery()
    for name, statement in (
        # The files' bytes go with intake's erasure (ADR 0029); here, their names.
        (
            "comment_attachments",
            delete(CommentAttachment).where(CommentAttachment.comment_id.in_(comments)),
        ),
        ("comments", delete(Comment).where(Comment.item_id.in_(items))),
        # What a caseworker's transfer taught the triage model: the reporter's words.
        ("triage_examples", delete(TriageExample).where(TriageExample.item_id.in_(items))),
        ("transfers", update(Transfer).where(Transfer.item_id.in_(items)).values(reason="")),
        (
            "work_items",
            update(WorkItem)
            .where(WorkItem.case_id == erased.case_id)
            .values(fields={}, search_text="", resolution=None, reason=None),
        ),
    ):
        counts[name] = await delete_rows(
            session, statement.execution_options(synchronize_session=False)
        )
    counts["outbox"] = await prune_outbox(session, outbox_table)
    await record_erasure(session, outbox, source=SOURCE, case_id=erased.case_id, counts=counts)
