"""Working an item (keyword-only operations): claim, assign, transfer, notes, the conversation
with the reporter, resolve, reject; and what the case's events do to it (cancel, a new due
date, the reporter's reply). Every operation runs in the caller's transaction."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import WorkItemDetail, WorkItemPublic
from lifecase_contracts.events import (
    AttachmentRef,
    InfoRequested,
    Localized,
    ReplyFiled,
    ReporterReplied,
    SubcaseCancelled,
    SubcaseClaimed,
    SubcaseDueDateChanged,
    SubcaseRejected,
    SubcaseReleased,
    SubcaseResolved,
    SubcaseRouted,
    derived_id,
)
from lifecase_contracts.statuses import WorkItemStatus
from lifecase_contracts.workspace import CommentPublic
from lifecase_platform import access_log
from lifecase_platform.attachments import AttachmentStore, StoredAttachment
from lifecase_platform.auth import Principal
from lifecase_platform.db import SessionFactory
from lifecase_platform.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from lifecase_platform.metrics import SUBCASES_RESOLVED, add_at_commit
from lifecase_platform.outbox import Outbox
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing import sla
from lifecase_routing.access import Access, access_of
from lifecase_routing.emit import SOURCE, emit
from lifecase_routing.models import (
    Comment,
    CommentAttachment,
    Member,
    Queue,
    RuleSet,
    Transfer,
    WorkItem,
)
from lifecase_routing.public import comment_public, to_detail, to_public, unit_name
from lifecase_routing.rules import TRANSFER_RULE
from lifecase_routing.sla import sla_clock
from lifecase_routing.states import OPEN, require_open, set_status
from lifecase_routing.triage import service as triage
from lifecase_routing.triage import store as triage_store


@dataclass(frozen=True)
class Handle:
    """An item the caller may see, with its unit and the caller's rights."""

    item: WorkItem
    unit: str
    access: Access

    @property
    def by(self) -> str:
        return self.access.username

    @property
    def leads(self) -> bool:
        return self.access.leads_unit(self.unit)

    @property
    def title(self) -> Localized:
        return Localized(da=self.item.title_da, en=self.item.title_en)


async def open_item(*, session: AsyncSession, user: Principal, item_id: str) -> Handle:
    """A work item of the caller's units; others' items do not exist for them (404)."""
    found = (
        await session.execute(
            select(WorkItem, Queue.unit)
            .join(Queue, Queue.key == WorkItem.queue)
            .where(WorkItem.id == item_id)
        )
    ).first()
    access = await access_of(session=session, user=user)
    if found is None or not access.sees(found[1]):
        raise NotFound(Localized(da="opgaven", en="work item"))
    return Handle(item=found[0], unit=found[1], access=access)


# an action's name in the API and the workspace -> its name in the access log
LOGGED_ACTIONS = {
    "claim": "work_item.claimed",
    "assign": "work_item.assigned",
    "unassign": "work_item.unassigned",
    "transfer": "work_item.transferred",
    "note": "work_item.noted",
    "request-info": "work_item.info_requested",
    "message": "work_item.messaged",
    "resolve": "work_item.resolved",
    "reject": "work_item.rejected",
    "read": "work_item.read",
    "attachment": "work_item.attachment_read",
}


def access_basis(handle: Handle) -> str:
    """Why the caller may see the item: they administer, lead or work in its unit."""
    if handle.access.user.is_admin:
        return "administrator"
    role = "robot" if handle.access.user.has("robot") else "lead" if handle.leads else "member"
    return f"{role} of unit {handle.unit}"


async def log_access(*, session: AsyncSession, outbox: Outbox, handle: Handle, action: str) -> None:
    """Put what the caller did with the item (or that they read it) in the access log, in
    the caller's transaction. Work items carry the case's fields, so each touch counts as
    access to personal data."""
    await access_log.record(
        session,
        outbox,
        source=SOURCE,
        user=handle.access.user,
        action=LOGGED_ACTIONS[action],
        resource="work_item",
        resource_id=handle.item.id,
        case_id=handle.item.case_id,
        personal_data=True,
        reason=access_basis(handle),
    )


async def read_detail(
    *, sessions: SessionFactory, outbox: Outbox, user: Principal, item_id: str
) -> tuple[Handle, WorkItemDetail]:
    """``detail`` with the read in the access log, written before the answer leaves."""
    async with sessions() as session, session.begin():
        handle = await open_item(session=session, user=user, item_id=item_id)
        item = await detail(session=session, user=user, item_id=item_id)
        await log_access(session=session, outbox=outbox, handle=handle, action="read")
    return handle, item


async def public(
    *, session: AsyncSession, handle: Handle, today: date | None = None
) -> WorkItemPublic:
    clock = await sla_clock(session=session)
    return to_public(
        handle.item, clock, today or today_in_denmark(), await _transfers(session, handle.item)
    )


async def detail(
    *, session: AsyncSession, user: Principal, item_id: str, today: date | None = None
) -> WorkItemDetail:
    handle = await open_item(session=session, user=user, item_id=item_id)
    comments = await session.scalars(
        select(Comment).where(Comment.item_id == item_id).order_by(Comment.created_at, Comment.id)
    )
    return to_detail(
        handle.item,
        await sla_clock(session=session),
        today or today_in_denmark(),
        transfers=await _transfers(session, handle.item),
        comments=comments,
        attachments=await _attachments(session, item_id),
    )


async def _attachments(session: AsyncSession, item_id: str) -> dict[str, list[AttachmentRef]]:
    """The files of the item's messages, by comment id, in the order she attached them."""
    rows = await session.scalars(
        select(CommentAttachment)
        .join(Comment, Comment.id == CommentAttachment.comment_id)
        .where(Comment.item_id == item_id)
        .order_by(CommentAttachment.comment_id, CommentAttachment.position)
    )
    found: dict[str, list[AttachmentRef]] = defaultdict(list)
    for row in rows:
        found[row.comment_id].append(
            AttachmentRef(
                id=row.attachment_id,
                filename=row.filename,
                content_type=row.content_type,
                size=row.size,
            )
        )
    return found


async def read_attachment(
    *,
    sessions: SessionFactory,
    outbox: Outbox,
    store: AttachmentStore,
    user: Principal,
    item_id: str,
    attachment_id: str,
) -> tuple[StoredAttachment, bytes]:
    """A file of a message filed with the item, for those who may read the item (the same
    rule); the download goes into the access log before it leaves. A file of another item
    does not exist here (404)."""
    async with sessions() as session, session.begin():
        handle = await open_item(session=session, user=user, item_id=item_id)
        row = (
            await session.scalars(
                select(CommentAttachment)
                .join(Comment, Comment.id == CommentAttachment.comment_id)
                .where(Comment.item_id == item_id, CommentAttachment.attachment_id == attachment_id)
                .limit(1)
            )
        ).first()
        if row is None:
            raise NotFound(Localized(da="den vedhæftede fil", en="attachment"))
        await log_access(session=session, outbox=outbox, handle=handle, action="attachment")
        stored = StoredAttachment(
            id=row.attachment_id,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256="",
        )
    _, data = await store.get(attachment_id)
    return stored, data


async def _transfers(session: AsyncSession, item: WorkItem) -> list[Transfer]:
    return list(
        await session.scalars(
            select(Transfer).where(Transfer.item_id == item.id).order_by(Transfer.at, Transfer.id)
        )
    )


def _take(handle: Handle) -> None:
    """The caller works the item from now on: an unassigned item becomes theirs; one that
    a colleague holds only a lead may act on."""
    item = handle.item
    if item.assignee is None:
        item.assignee = handle.by
    elif item.assignee != handle.by and not handle.leads:
        raise Conflict(
            Localized(
                da="En anden har allerede taget opgaven.",
                en="Someone else has claimed the work item.",
            )
        )
    if item.status == "queued":
        set_status(item, "claimed")


async def claim(*, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str) -> Handle:
    handle = await open_item(session=session, user=user, item_id=item_id)
    require_open(handle.item)
    if handle.item.assignee not in (None, handle.by):
        raise Conflict(
            Localized(
                da="En anden har allerede taget opgaven.",
                en="Someone else has claimed the work item.",
            )
        )
    if handle.item.assignee is None:
        await emit_claimed(session, outbox, handle.item, by_robot=handle.access.user.has("robot"))
    _take(handle)
    return handle


async def emit_claimed(
    session: AsyncSession, outbox: Outbox, item: WorkItem, *, by_robot: bool
) -> None:
    """An unassigned item is taken: reporting's handling time starts here. Only the step
    from unassigned publishes, so claiming an item one holds already publishes nothing; a
    lead's reassignment keeps the clock running (the item never went back to the queue)."""
    event = SubcaseClaimed(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        queue=item.queue,
        by_robot=by_robot,
    )
    await emit(session, outbox, event, "subcase-claimed", item.id, datetime.now(UTC).isoformat())


async def assign(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, assignee: str
) -> Handle:
    """A unit lead gives the item to a member of the unit."""
    handle = await open_item(session=session, user=user, item_id=item_id)
    _require_lead(handle)
    require_open(handle.item)
    if await session.get(Member, (assignee, handle.unit)) is None:
        raise Invalid(
            Localized(
                da="Modtageren er ikke med i enheden.",
                en="The assignee is not a member of the unit.",
            ),
            errors=[field_error(["body", "assignee"], "not a member", "member")],
        )
    if handle.item.assignee is None:
        await emit_claimed(session, outbox, handle.item, by_robot=False)
    handle.item.assignee = assignee
    if handle.item.status == "queued":
        set_status(handle.item, "claimed")
    return handle


async def unassign(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str
) -> Handle:
    """The assignee lets go of the item, or a lead takes it from them: back to the queue."""
    handle = await open_item(session=session, user=user, item_id=item_id)
    if handle.item.assignee != handle.by:
        _require_lead(handle)
    require_open(handle.item)
    item = handle.item
    if item.assignee is not None:
        event = SubcaseReleased(
            case_id=item.case_id, subcase_id=item.id, activity=item.activity, queue=item.queue
        )
        await emit(
            session, outbox, event, "subcase-released", item.id, datetime.now(UTC).isoformat()
        )
    handle.item.assignee = None
    if handle.item.status == "claimed":
        set_status(handle.item, "queued")
    return handle


def _require_lead(handle: Handle) -> None:
    if not handle.leads:
        raise Forbidden(
            Localized(
                da="Kun enhedens ledere må fordele dens opgaver.",
                en="Only the unit's leads may assign its work.",
            )
        )


async def transfer(
    *,
    session: AsyncSession,
    outbox: Outbox,
    user: Principal,
    item_id: str,
    queue: str,
    reason: str,
) -> Handle:
    """Move the item to another queue, unassigned. The transfer counts as a routing miss of
    the rule that sent the item to the queue it leaves."""
    handle = await open_item(session=session, user=user, item_id=item_id)
    item = handle.item
    require_open(item)
    target = await session.get(Queue, queue)
    if target is None or target.key == item.queue:
        problem = "no such queue" if target is None else "the item is already in this queue"
        raise Invalid(
            Localized(da="Målkøen er ikke gyldig.", en="The target queue is not valid."),
            errors=[field_error(["body", "queue"], problem, "queue")],
        )
    earlier = await session.scalar(
        select(func.count()).select_from(Transfer).where(Transfer.item_id == item.id)
    )
    record = Transfer(
        id=str(uuid.uuid4()),
        item_id=item.id,
        from_queue=item.queue,
        to_queue=target.key,
        from_rule=TRANSFER_RULE if earlier else item.rule,
        ruleset_version=item.ruleset_version,
        reason=reason,
        by=handle.by,
        at=datetime.now(UTC),
    )
    session.add(record)
    await _keep_example(session, item, target.key, triage_store.TRANSFER)
    item.queue, item.assignee = target.key, None
    if item.status == "claimed":
        set_status(item, "queued")
    event = SubcaseRouted(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        title=handle.title,
        queue=target.key,
        unit=target.unit,
        unit_name=await unit_name(session, target.unit),
        rule=TRANSFER_RULE,
        due_date=item.due_date,
        reporter=item.reporter,
    )
    await emit(session, outbox, event, "subcase-routed", item.id, record.id)
    return handle


async def add_note(
    *, session: AsyncSession, user: Principal, item_id: str, text: str
) -> CommentPublic:
    """An internal note: the unit's caseworkers see it, the reporter never does."""
    handle = await open_item(session=session, user=user, item_id=item_id)
    return comment_public(_comment(session, handle.item, "note", handle.by, text))


def _comment(
    session: AsyncSession,
    item: WorkItem,
    kind: str,
    author: str,
    text: str,
    *,
    id: str | None = None,
    in_reply_to: str | None = None,
) -> Comment:
    comment = Comment(
        id=id or str(uuid.uuid4()),
        item_id=item.id,
        kind=kind,
        author=author,
        text=text,
        in_reply_to=in_reply_to,
        created_at=datetime.now(UTC),
    )
    session.add(comment)
    return comment


async def request_info(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, question: str
) -> Handle:
    """Ask the reporter; the item waits for the answer and its SLA clock stops."""
    return await _write_to_reporter(
        session=session, outbox=outbox, user=user, item_id=item_id, text=question, question=True
    )


async def message_reporter(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, text: str
) -> Handle:
    """Tell the reporter something; nothing waits for an answer."""
    return await _write_to_reporter(
        session=session, outbox=outbox, user=user, item_id=item_id, text=text, question=False
    )


async def _write_to_reporter(
    *,
    session: AsyncSession,
    outbox: Outbox,
    user: Principal,
    item_id: str,
    text: str,
    question: bool,
) -> Handle:
    handle = await open_item(session=session, user=user, item_id=item_id)
    item = handle.item
    require_open(item)
    _take(handle)
    comment = _comment(session, item, "question" if question else "message", handle.by, text)
    item.reporter_replied_at = None  # the unit has read her and written back
    if question:
        set_status(item, "waiting_for_reporter")
        sla.pause(item, comment.created_at)
    event = InfoRequested(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        title=handle.title,
        message_id=comment.id,
        question=text,
        asked_by=handle.by,
        reporter=item.reporter,
        awaits_reply=question,
    )
    await emit(session, outbox, event, "info-requested", comment.id)
    return handle


async def resolve(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, resolution: str
) -> Handle:
    handle = await open_item(session=session, user=user, item_id=item_id)
    require_open(handle.item)
    _take(handle)
    item = handle.item
    item.resolution = resolution
    _close(item, "resolved")
    await _keep_example(session, item, item.queue, triage_store.FREE_TEXT)
    event = SubcaseResolved(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        title=handle.title,
        resolution=resolution,
        resolved_by=handle.by,
        reporter=item.reporter,
        resolved_by_robot=handle.access.user.has("robot"),
    )
    await emit(session, outbox, event, "subcase-resolved", item.id)
    robot = "yes" if handle.access.user.has("robot") else "no"
    add_at_commit(session, SUBCASES_RESOLVED, {"queue": item.queue, "robot": robot})
    return handle


async def reject(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, reason: str
) -> Handle:
    """Refuse the sub-case; the reporter sees the reason."""
    handle = await open_item(session=session, user=user, item_id=item_id)
    require_open(handle.item)
    _take(handle)
    item = handle.item
    item.reason = reason
    _close(item, "rejected")
    event = SubcaseRejected(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        title=handle.title,
        reason=reason,
        rejected_by=handle.by,
        reporter=item.reporter,
    )
    await emit(session, outbox, event, "subcase-rejected", item.id)
    return handle


async def _keep_example(session: AsyncSession, item: WorkItem, queue: str, source: str) -> None:
    """A general request moved (``transfer``) or resolved where it was sent (``free_text``)
    teaches the triage model where such a text belongs."""
    if item.subcase_type != triage.GENERAL_REQUEST:
        return
    fallback = await session.scalar(select(RuleSet.fallback_queue).where(RuleSet.active))
    triage.keep_example(
        session,
        item_id=item.id,
        fields=item.fields,
        queue=queue,
        fallback_queue=fallback,
        source=source,
    )


def _close(item: WorkItem, status: WorkItemStatus) -> None:
    set_status(item, status, at=datetime.now(UTC))
    sla.stop(item)


# --- what the case's events do -----------------------------------------------------------------


async def cancel(*, session: AsyncSession, cancelled: SubcaseCancelled) -> None:
    """The case no longer needs the sub-case: an open item is cancelled, with the reason."""
    item = await session.get(WorkItem, cancelled.subcase_id)
    if item is None or not item.is_open:
        return
    item.reason = cancelled.reason
    _close(item, "cancelled")


async def change_due_date(
    *, session: AsyncSession, changed: SubcaseDueDateChanged, today: date | None = None
) -> None:
    """The case moved the sub-case's due date (no date: the SLA target from routing day)."""
    item = await session.get(WorkItem, changed.subcase_id)
    if item is None or not item.is_open:
        return
    item.due_date = sla.moved_due_date(item, await sla_clock(session=session), changed.due_date)


async def reporter_replied(
    *,
    session: AsyncSession,
    outbox: Outbox,
    replied: ReporterReplied,
    today: date | None = None,
) -> None:
    """File the reporter's message with the items it is for, and tell their caseworkers
    (``ReplyFiled``, once per item). An answer goes to its question's item, which resumes if
    it waited; a note to a unit goes to that unit's open items of the case (or, if none is
    open, to those it rejected: she asks to reopen) and changes no status or clock. A message
    from before addressees existed (neither named) is filed with every open item of the
    case as a comment, resuming nothing: no message answers a question it does not name."""
    asked = await _question(session, replied)
    items = await _addressees(session, replied, asked)
    clock = await sla_clock(session=session)
    resumed_on = today or today_in_denmark()
    for item in items:
        comment = _comment(
            session,
            item,
            "reply",
            replied.reporter,
            replied.text,
            id=derived_id("reply", replied.message_id, item.id),
            in_reply_to=replied.in_reply_to,
        )
        session.add_all(
            CommentAttachment(
                comment_id=comment.id,
                attachment_id=a.id,
                position=position,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
            )
            for position, a in enumerate(replied.attachments)
        )
        item.reporter_replied_at = comment.created_at
        if asked is not None and item.status == "waiting_for_reporter":
            sla.resume(item, clock, resumed_on)
            set_status(item, "claimed" if item.assignee else "queued")
        await _reply_filed(session, outbox, replied, item, asked)


async def _question(session: AsyncSession, replied: ReporterReplied) -> Comment | None:
    """The question (or message) of this case that the reply answers, if it names one."""
    if replied.in_reply_to is None:
        return None
    asked = await session.get(Comment, replied.in_reply_to)
    if asked is None or asked.kind not in ("question", "message"):
        return None
    item = await session.get(WorkItem, asked.item_id)
    return asked if item is not None and item.case_id == replied.case_id else None


async def _addressees(
    session: AsyncSession, replied: ReporterReplied, asked: Comment | None
) -> list[WorkItem]:
    if replied.in_reply_to is not None:
        # Even a closed item: the unit still hears what she answered.
        item = await session.get(WorkItem, asked.item_id) if asked else None
        return [item] if item is not None else []
    of_case = select(WorkItem).where(WorkItem.case_id == replied.case_id).order_by(WorkItem.id)
    if replied.to_unit is None:
        return list(await session.scalars(of_case.where(WorkItem.is_open.is_(True))))
    of_unit = list(
        await session.scalars(
            of_case.join(Queue, Queue.key == WorkItem.queue).where(
                Queue.unit == replied.to_unit, WorkItem.status.in_((*OPEN, "rejected"))
            )
        )
    )
    return [i for i in of_unit if i.is_open] or of_unit


async def _reply_filed(
    session: AsyncSession,
    outbox: Outbox,
    replied: ReporterReplied,
    item: WorkItem,
    asked: Comment | None,
) -> None:
    """Tell the one who asked and the item's assignee; never the text."""
    recipients = list(dict.fromkeys(p for p in (asked and asked.author, item.assignee) if p))
    event = ReplyFiled(
        case_id=item.case_id,
        subcase_id=item.id,
        title=Localized(da=item.title_da, en=item.title_en),
        message_id=replied.message_id,
        in_reply_to=replied.in_reply_to if asked else None,
        recipients=recipients,
    )
    await emit(session, outbox, event, "reply-filed", replied.message_id, item.id)
