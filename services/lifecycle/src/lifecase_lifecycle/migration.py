"""Moving running cases to a newer version of their template.

A dry run says, per case, what the move would change, from where the case's workflow stands
(its ``progress`` query): sub-cases the new version adds, those it no longer has (cancelled
if open or waiting; kept if already done) and those whose dates move; or why the case cannot
move (it is not running, is on that version already, or its data does not satisfy the new
version). Moving records the new version on the case and publishes ``lifecase.case.migrated``
in the same transaction: lifecycle's consumer then signals the workflow, which re-plans on
the new version (``CaseWorkflow.migrated``), and intake writes the change on the reporter's
timeline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import CaseMigrated, Envelope, Localized, derived_id
from lifecase_lifecycle import service
from lifecase_lifecycle.models import CaseInput, TemplateVersion
from lifecase_lifecycle.preview import preview
from lifecase_lifecycle.templates import Template
from lifecase_platform import access_log
from lifecase_platform.auth import Principal
from lifecase_platform.case_data import validate_case_data
from lifecase_platform.errors import Conflict
from lifecase_platform.outbox import Outbox

MAX_CASES = 200  # per dry run or move: each asks its workflow where it stands
WAITING = ("pending", "open")
DONE = ("resolved", "rejected")
# The workflow's state per sub-case (activity key -> pending, open, resolved, ...), or None
# when it cannot be asked.
Progress = Callable[[str], Awaitable[dict[str, str] | None]]


@dataclass(frozen=True)
class Change:
    kind: Literal["added", "cancelled", "kept", "redated"]
    activity: str
    title: Localized
    before: date | None = None  # redated: the due date now; added: none
    after: date | None = None  # added: when it opens (or is due); redated: the new due date


@dataclass
class CaseMove:
    """One case: what a move would change, or why it cannot move."""

    case_id: str
    received_at: datetime
    from_version: int
    changes: list[Change] = field(default_factory=list)
    problem: Localized | None = None

    @property
    def movable(self) -> bool:
        return self.problem is None


async def candidates(session: AsyncSession, *, key: str, version: int) -> list[CaseInput]:
    """Running cases of the life event on an older version, oldest first."""
    rows = await session.scalars(
        select(CaseInput)
        .where(
            CaseInput.template_key == key,
            CaseInput.template_version < version,
            CaseInput.status == "running",
        )
        .order_by(CaseInput.received_at, CaseInput.case_id)
        .limit(MAX_CASES)
    )
    return list(rows)


async def dry_run(
    session: AsyncSession,
    progress: Progress,
    *,
    key: str,
    version: int,
    case_ids: list[str] | None,
    today: date,
    language: str,
) -> list[CaseMove]:
    """What moving each case (``None``: every candidate) to ``version`` would change."""
    target = await _published(session, key=key, version=version)
    new = Template.model_validate(target.definition)
    if case_ids is None:
        cases = await candidates(session, key=key, version=version)
    else:
        found = await session.scalars(
            select(CaseInput).where(CaseInput.case_id.in_(case_ids[:MAX_CASES]))
        )
        by_id = {c.case_id: c for c in found}
        cases = [by_id[i] for i in dict.fromkeys(case_ids[:MAX_CASES]) if i in by_id]
    olds: dict[int, Template] = {}
    moves = []
    for case in cases:
        move = CaseMove(case.case_id, case.received_at, case.template_version)
        moves.append(move)
        move.problem = _refusal(case, key=key, version=version)
        if move.problem is not None:
            continue
        errors = validate_case_data(new.input_schema(), case.data, language)
        if errors:
            names = sorted({".".join(str(p) for p in e["loc"][2:]) for e in errors})
            move.problem = Localized(
                da="Sagens oplysninger passer ikke til den nye version: " + ", ".join(names),
                en="The case's data does not fit the new version: " + ", ".join(names),
            )
            continue
        state = await progress(case.case_id)
        if state is None:
            move.problem = Localized(
                da="Sagens forløb svarede ikke; prøv igen.",
                en="The case's workflow did not answer; try again.",
            )
            continue
        if case.template_version not in olds:
            old = await service.get_version(session=session, key=key, version=case.template_version)
            olds[case.template_version] = Template.model_validate(old.definition)
        move.changes = changes(olds[case.template_version], new, case.data, state, today)
    return moves


def changes(
    old: Template, new: Template, data: dict[str, object], state: dict[str, str], today: date
) -> list[Change]:
    """What the new version changes for a case whose sub-cases stand at ``state``."""
    before = {a.key: a for a in preview(old, dict(data), today)}
    after = {a.key: a for a in preview(new, dict(data), today)}
    found: list[Change] = []
    for key, a in after.items():
        if not a.included:
            continue
        now = state.get(key)
        if now in (None, "skipped"):
            found.append(Change("added", key, a.title, after=a.opens_on or a.due_date))
        elif now in WAITING and key in before and before[key].due_date != a.due_date:
            found.append(Change("redated", key, a.title, before[key].due_date, a.due_date))
    for key, now in state.items():
        if key in after and after[key].included:
            continue
        title = before[key].title if key in before else Localized(da=key, en=key)
        if now in WAITING:
            found.append(Change("cancelled", key, title))
        elif now in DONE and key not in after:
            found.append(Change("kept", key, title))
    return found


async def migrate(
    session: AsyncSession,
    outbox: Outbox,
    progress: Progress,
    *,
    user: Principal,
    key: str,
    version: int,
    case_ids: list[str],
    today: date,
    language: str,
) -> list[CaseMove]:
    """Move the cases that can move (checked again, as in the dry run); the others come
    back with their reason, unchanged."""
    moves = await dry_run(
        session,
        progress,
        key=key,
        version=version,
        case_ids=case_ids,
        today=today,
        language=language,
    )
    for move in moves:
        if not move.movable:
            continue
        case = await session.get(CaseInput, move.case_id)
        assert case is not None
        case.previous_version, case.template_version = case.template_version, version
        titles = {kind: [c.title for c in move.changes if c.kind == kind] for kind in KINDS}
        event = CaseMigrated(
            case_id=case.case_id,
            event_type=key,
            from_version=move.from_version,
            to_version=version,
            added=titles["added"],
            cancelled=titles["cancelled"],
            kept=titles["kept"],
            reporter=case.reporter,
        )
        await outbox.add(
            session,
            Envelope.wrap(
                event,
                source=service.SOURCE,
                subject=case.case_id,
                id=derived_id("case-migrated", case.case_id, version),
            ),
        )
    if any(m.movable for m in moves):
        await access_log.record(
            session,
            outbox,
            source=service.SOURCE,
            user=user,
            action="template.cases_migrated",
            resource="template",
            resource_id=f"{key}/{version}",
            reason="administrator" if user.is_admin else "process owner",
        )
    return moves


KINDS = ("added", "cancelled", "kept")


def _refusal(case: CaseInput, *, key: str, version: int) -> Localized | None:
    if case.template_key != key:
        return Localized(da="Sagen hører til en anden livshændelse.", en="Another life event.")
    if case.status != "running":
        return Localized(da="Sagen er afsluttet.", en="The case has ended.")
    if case.template_version >= version:
        return Localized(
            da="Sagen følger allerede denne eller en nyere version.",
            en="The case already follows this version or a newer one.",
        )
    return None


async def _published(session: AsyncSession, *, key: str, version: int) -> TemplateVersion:
    target = await service.get_version(session=session, key=key, version=version)
    if target.status != "published":
        raise Conflict(
            Localized(
                da="Sager kan kun flyttes til den offentliggjorte version.",
                en="Cases can only be moved to the published version.",
            )
        )
    return target
