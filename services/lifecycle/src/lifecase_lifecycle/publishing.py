"""Drafting and four-eyes publishing of template versions: what the API and the admin
area call to change a template, so both keep the same rules and the same records.

A life event may have named process owners (``TemplateOwner``, set by administrators): then
only they approve its versions. Without any, every process owner may.

Administrators and process owners draft; a draft is submitted for approval with a note
(``in_review``, no longer editable); a process owner who neither drafted, changed nor
submitted it reads what differs from the published version and either publishes it or sends
it back to draft with a reason. Auditors read everything. Every step is a line in the
version's history (``TemplateChange``): who, when, what, and the note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.statuses import TemplateAction
from lifecase_lifecycle import service
from lifecase_lifecycle.models import TemplateChange, TemplateOwner, TemplateVersion
from lifecase_lifecycle.templates import Template, validate_template
from lifecase_lifecycle.templates.diff import Change, diff
from lifecase_platform import access_log
from lifecase_platform.auth import Principal
from lifecase_platform.errors import Conflict, Forbidden
from lifecase_platform.outbox import Outbox

DRAFTERS = frozenset({"admin", "process_owner"})
APPROVERS = frozenset({"process_owner"})
READERS = DRAFTERS | {"auditor"}
# Who made a version what it is: none of them may approve it.
AUTHORING: tuple[TemplateAction, ...] = ("created", "changed", "submitted", "imported")
SYSTEM = "lifecase"  # the actor of what the system does itself (the shipped catalogue)


def may(user: Principal, roles: frozenset[str]) -> bool:
    return bool(roles & set(user.roles))


def record(
    session: AsyncSession,
    *,
    version: TemplateVersion,
    action: TemplateAction,
    actor: str,
    note: str = "",
) -> None:
    """A line in the version's history (the system's own steps: seeding the catalogue)."""
    session.add(
        TemplateChange(
            key=version.key,
            version=version.version,
            action=action,
            actor=actor,
            at=datetime.now(UTC),
            note=note,
        )
    )


async def log_change(
    session: AsyncSession,
    outbox: Outbox,
    *,
    user: Principal,
    action: TemplateAction,
    version: TemplateVersion,
    note: str = "",
) -> None:
    """A person's change: a line in the version's history and in the access log, in the
    change's transaction."""
    record(session, version=version, action=action, actor=user.username, note=note)
    await access_log.record(
        session,
        outbox,
        source=service.SOURCE,
        user=user,
        action=f"template.{action}",
        resource="template",
        resource_id=f"{version.key}/{version.version}",
        reason="administrator" if user.is_admin else "process owner",
    )


async def create_draft(
    session: AsyncSession, outbox: Outbox, *, user: Principal, template: Template
) -> TemplateVersion:
    draft = await service.create_draft(session=session, template=template)
    await log_change(session, outbox, user=user, action="created", version=draft)
    return draft


async def change_draft(
    session: AsyncSession,
    outbox: Outbox,
    *,
    user: Principal,
    key: str,
    version: int,
    template: Template,
) -> TemplateVersion:
    draft = await service.replace_draft(
        session=session, key=key, version=version, template=template
    )
    await log_change(session, outbox, user=user, action="changed", version=draft)
    return draft


async def retire(
    session: AsyncSession, outbox: Outbox, *, user: Principal, key: str, version: int
) -> TemplateVersion:
    retired = await service.retire_version(session=session, outbox=outbox, key=key, version=version)
    await log_change(session, outbox, user=user, action="retired", version=retired)
    return retired


async def history(session: AsyncSession, *, key: str, version: int) -> list[TemplateChange]:
    """The version's changes, oldest first."""
    rows = await session.scalars(
        select(TemplateChange)
        .where(TemplateChange.key == key, TemplateChange.version == version)
        .order_by(TemplateChange.id)
    )
    return list(rows)


async def submit(
    session: AsyncSession,
    outbox: Outbox,
    *,
    key: str,
    version: int,
    user: Principal,
    note: str,
) -> TemplateVersion:
    """A draft goes to a process owner for approval; it can no longer be edited."""
    draft = await service.get_version(session=session, key=key, version=version)
    if draft.status != "draft":
        raise Conflict(
            Localized(
                da="Kun en kladde kan sendes til godkendelse.",
                en="Only a draft can be submitted for approval.",
            )
        )
    validate_template(draft.definition)
    draft.status = "in_review"
    await log_change(session, outbox, user=user, action="submitted", version=draft, note=note)
    return draft


async def send_back(
    session: AsyncSession,
    outbox: Outbox,
    *,
    key: str,
    version: int,
    user: Principal,
    note: str,
) -> TemplateVersion:
    """The approver returns a submitted version to draft, saying why."""
    require_approver(user)
    await _require_owner(session, key=key, user=user)
    submitted = await _in_review(session, key=key, version=version)
    submitted.status = "draft"
    await log_change(session, outbox, user=user, action="sent_back", version=submitted, note=note)
    return submitted


async def approve(
    session: AsyncSession,
    outbox: Outbox,
    *,
    key: str,
    version: int,
    user: Principal,
    note: str = "",
) -> TemplateVersion:
    """A second person publishes a submitted version: new cases use it from now on."""
    require_approver(user)
    await _require_owner(session, key=key, user=user)
    submitted = await _in_review(session, key=key, version=version)
    if user.username in await authors(session, key=key, version=version):
        raise Forbidden(
            Localized(
                da="Du har selv udarbejdet eller indsendt denne version; "
                "en anden procesejer skal godkende den.",
                en="You drafted or submitted this version yourself; "
                "another process owner must approve it.",
            )
        )
    published = await service.publish_version(
        session=session, outbox=outbox, key=key, version=submitted.version
    )
    await log_change(session, outbox, user=user, action="published", version=published, note=note)
    return published


async def authors(session: AsyncSession, *, key: str, version: int) -> set[str]:
    rows = await session.scalars(
        select(TemplateChange.actor).where(
            TemplateChange.key == key,
            TemplateChange.version == version,
            TemplateChange.action.in_(AUTHORING),
        )
    )
    return set(rows)


@dataclass(frozen=True)
class Comparison:
    """A version beside the published one of its template (None: nothing published)."""

    published: TemplateVersion | None
    changes: list[Change]


async def compare(session: AsyncSession, *, key: str, version: int) -> Comparison:
    this = await service.get_version(session=session, key=key, version=version)
    published = await session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.key == key, TemplateVersion.status == "published"
        )
    )
    before = None
    if published is not None and published.version != this.version:
        before = Template.model_validate(published.definition)
    elif published is not None:
        return Comparison(published=published, changes=[])
    changes = diff(before, Template.model_validate(this.definition))
    return Comparison(published=published, changes=changes)


def require_approver(user: Principal) -> None:
    if not may(user, APPROVERS):
        raise Forbidden(
            Localized(
                da="Kun en procesejer kan godkende eller sende en version tilbage.",
                en="Only a process owner can approve a version or send it back.",
            )
        )


async def owners(session: AsyncSession, *, key: str) -> list[str]:
    rows = await session.scalars(
        select(TemplateOwner.username)
        .where(TemplateOwner.key == key)
        .order_by(TemplateOwner.username)
    )
    return list(rows)


async def set_owners(
    session: AsyncSession, outbox: Outbox, *, user: Principal, key: str, usernames: list[str]
) -> list[str]:
    """Name the process owners of a life event (administrators; an empty list: every
    process owner approves it again)."""
    if not user.is_admin:
        raise Forbidden(
            Localized(
                da="Kun administratorer udpeger procesejere.",
                en="Only administrators name process owners.",
            )
        )
    await session.execute(delete(TemplateOwner).where(TemplateOwner.key == key))
    chosen = sorted(set(usernames))
    session.add_all(TemplateOwner(key=key, username=name) for name in chosen)
    await access_log.record(
        session,
        outbox,
        source=service.SOURCE,
        user=user,
        action="template.owners_changed",
        resource="template",
        resource_id=key,
        reason="administrator",
    )
    return chosen


async def may_approve(session: AsyncSession, *, key: str, user: Principal) -> bool:
    """Whether ``user`` approves this life event's versions (as to who, not authorship)."""
    if not may(user, APPROVERS):
        return False
    named = await owners(session, key=key)
    return not named or user.username in named


async def _require_owner(session: AsyncSession, *, key: str, user: Principal) -> None:
    named = await owners(session, key=key)
    if named and user.username not in named:
        listed = ", ".join(named)
        raise Forbidden(
            Localized(
                da=f"Kun livshændelsens procesejere godkender dens versioner: {listed}.",
                en=f"Only the life event's process owners approve its versions: {listed}.",
            )
        )


async def _in_review(session: AsyncSession, *, key: str, version: int) -> TemplateVersion:
    found = await service.get_version(session=session, key=key, version=version)
    if found.status != "in_review":
        raise Conflict(
            Localized(
                da="Versionen er ikke sendt til godkendelse.",
                en="The version has not been submitted for approval.",
            )
        )
    return found
