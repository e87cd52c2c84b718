"""Lifecycle domain operations (keyword-only): template versions and the cases pinned to them.

A version is a draft until published (who may publish what: ``publishing``); a published
version never changes. Publishing a new version retires the one before it for new cases;
cases already running keep their version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    CaseRescheduled,
    CaseSubmitted,
    Envelope,
    Localized,
    TemplatePublished,
    TemplateRetired,
    derived_id,
)
from lifecase_contracts.statuses import CaseEnding
from lifecase_lifecycle.models import STUCK_REASON_LENGTH, CaseInput, TemplateVersion
from lifecase_lifecycle.templates import Template, validate_template
from lifecase_lifecycle.templates.expansion import expand
from lifecase_platform.db import insert_new
from lifecase_platform.errors import Conflict, NotFound
from lifecase_platform.outbox import Outbox

SOURCE = "lifecase/lifecycle"


class VersionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(Localized(da="skabelonversionen", en="template version"))


async def create_draft(*, session: AsyncSession, template: Template) -> TemplateVersion:
    """A new draft version of ``template.key`` (version numbers never repeat)."""
    highest = await session.scalar(
        select(func.max(TemplateVersion.version)).where(TemplateVersion.key == template.key)
    )
    draft = TemplateVersion(
        key=template.key,
        version=(highest or 0) + 1,
        status="draft",
        definition=template.model_dump(mode="json", by_alias=True),
        created_at=datetime.now(UTC),
        published_at=None,
    )
    session.add(draft)
    await session.flush()
    return draft


async def get_version(*, session: AsyncSession, key: str, version: int) -> TemplateVersion:
    found = await session.get(TemplateVersion, (key, version))
    if found is None:
        raise VersionNotFound()
    return found


async def replace_draft(
    *, session: AsyncSession, key: str, version: int, template: Template
) -> TemplateVersion:
    draft = await get_version(session=session, key=key, version=version)
    if draft.status != "draft":
        raise Conflict(
            Localized(
                da="Kun en kladde kan ændres; en offentliggjort version er låst.",
                en="Only a draft can be changed; a published version is immutable.",
            )
        )
    if template.key != key:
        raise Conflict(
            Localized(
                da="Skabelonens nøgle passer ikke med adressen.",
                en="The template's key does not match the URL.",
            )
        )
    draft.definition = template.model_dump(mode="json", by_alias=True)
    return draft


async def publish_version(
    *, session: AsyncSession, outbox: Outbox, key: str, version: int
) -> TemplateVersion:
    """Publish a version not yet published: reporters file new cases on it; the previous
    version is retired. (Who may: ``publishing.approve``.)"""
    draft = await get_version(session=session, key=key, version=version)
    if draft.status not in ("draft", "in_review"):
        raise Conflict(
            Localized(
                da="Versionen er allerede offentliggjort eller trukket tilbage.",
                en="The version has been published or retired already.",
            )
        )
    template = validate_template(draft.definition)
    for current in await session.scalars(
        select(TemplateVersion).where(
            TemplateVersion.key == key, TemplateVersion.status == "published"
        )
    ):
        current.status = "retired"
    draft.status, draft.published_at = "published", datetime.now(UTC)
    event = TemplatePublished(
        key=key,
        version=version,
        title=template.title,
        description=template.description,
        input_schema=template.input_schema(),
        personal_fields=template.personal_fields,
    )
    await outbox.add(
        session, Envelope.wrap(event, source=SOURCE, id=derived_id("template", key, version))
    )
    return draft


async def retire_version(
    *, session: AsyncSession, outbox: Outbox, key: str, version: int
) -> TemplateVersion:
    """No new cases on this version; running cases finish on it."""
    found = await get_version(session=session, key=key, version=version)
    if found.status != "published":
        raise Conflict(
            Localized(
                da="Kun den offentliggjorte version kan trækkes tilbage.",
                en="Only the published version can be retired.",
            )
        )
    found.status = "retired"
    await outbox.add(
        session,
        Envelope.wrap(
            TemplateRetired(key=key, version=version),
            source=SOURCE,
            id=derived_id("template-retired", key, version),
        ),
    )
    return found


async def seed_template(
    *, session: AsyncSession, outbox: Outbox, template: Template
) -> TemplateVersion | None:
    """Bring a shipped template in: published at once where the life event has no version
    yet; where it has (the municipality may have changed it), a changed catalogue template
    becomes a draft that goes through approval like any other. Nothing happens when a
    version with the same definition exists already. Returns the new version, if any."""
    definition = template.model_dump(mode="json", by_alias=True)
    existing = list(
        await session.scalars(select(TemplateVersion).where(TemplateVersion.key == template.key))
    )
    if any(v.definition == definition for v in existing):
        return None
    draft = await create_draft(session=session, template=template)
    if not existing:
        return await publish_version(
            session=session, outbox=outbox, key=draft.key, version=draft.version
        )
    return draft


async def list_versions(*, session: AsyncSession, key: str | None = None) -> list[TemplateVersion]:
    query = select(TemplateVersion).order_by(TemplateVersion.key, TemplateVersion.version)
    if key is not None:
        query = query.where(TemplateVersion.key == key)
    return list(await session.scalars(query))


async def running_cases(*, session: AsyncSession, key: str, version: int) -> list[dict[str, Any]]:
    """The cases still running on a template version (ids and dates only)."""
    await get_version(session=session, key=key, version=version)
    rows = await session.scalars(
        select(CaseInput)
        .where(
            CaseInput.template_key == key,
            CaseInput.template_version == version,
            CaseInput.status == "running",
        )
        .order_by(CaseInput.received_at)
    )
    return [{"case_id": c.case_id, "received_at": c.received_at} for c in rows]


async def record_case_input(*, session: AsyncSession, submitted: CaseSubmitted) -> None:
    """Keep a case's input, pinned to its template version (the case id is the natural key:
    a repeated event inserts nothing). One statement: this runs for every case filed."""
    await insert_new(
        session,
        CaseInput,
        {
            "case_id": submitted.case_id,
            "case_number": submitted.case_number,
            "template_key": submitted.event_type,
            "template_version": submitted.template_version,
            "reporter": submitted.reporter,
            "reporter_name": submitted.reporter_name,
            "department": submitted.department,
            "data": submitted.data,
            "revision": 0,
            "status": "running",
            "received_at": datetime.now(UTC),
            "stuck_reason": None,
            "stuck_since": None,
        },
    )


async def record_reschedule(*, session: AsyncSession, rescheduled: CaseRescheduled) -> bool:
    """Take a case's new dates unless a later revision is already here. True if taken.
    (Each revision carries every date field, so skipping an older one loses nothing.)"""
    case = await session.get(CaseInput, rescheduled.case_id)
    if case is None or case.revision >= rescheduled.revision:
        return False
    case.data, case.revision = {**case.data, **rescheduled.dates}, rescheduled.revision
    return True


class CaseNotFound(NotFound):
    """The case's input is not in this database: nothing about the case can be done."""

    def __init__(self) -> None:
        super().__init__(Localized(da="sagen", en="case"))


class TemplateVersionMissing(Conflict):
    """The template version a case is pinned to is not in this database."""

    def __init__(self, key: str, version: int) -> None:
        super().__init__(
            Localized(
                da=f"skabelonen {key} v{version} mangler",
                en=f"template {key} v{version} is missing",
            )
        )


async def set_case_status(*, session: AsyncSession, case_id: str, status: CaseEnding) -> CaseInput:
    case = await session.get(CaseInput, case_id)
    if case is None:
        raise CaseNotFound()
    case.status = status
    return case


async def set_stuck(*, session: AsyncSession, case_id: str, reason: str | None) -> None:
    """Record why a case's workflow cannot proceed (``None``: it proceeds again)."""
    case = await session.get(CaseInput, case_id)
    if case is None:
        raise CaseNotFound()
    if reason is None:
        case.stuck_reason, case.stuck_since = None, None
    else:
        if case.stuck_since is None:
            case.stuck_since = datetime.now(UTC)
        case.stuck_reason = reason[:STUCK_REASON_LENGTH]


async def stuck_cases(*, session: AsyncSession, limit: int = 500) -> list[CaseInput]:
    """Running cases whose workflow waits for an operator, longest stuck first."""
    query = (
        select(CaseInput)
        .where(CaseInput.stuck_reason.is_not(None))
        .order_by(CaseInput.stuck_since, CaseInput.case_id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


class PinnedTemplates:
    """Published (and retired) template versions never change: one service parses each once.
    Drafts are never kept, they can still be edited. Bounded; the oldest entry goes first."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._parsed: dict[tuple[str, int], Template] = {}

    def get(self, pinned: tuple[str, int]) -> Template | None:
        return self._parsed.get(pinned)

    def keep(self, pinned: tuple[str, int], template: Template) -> None:
        if len(self._parsed) >= self.limit:
            self._parsed.pop(next(iter(self._parsed)))
        self._parsed[pinned] = template


async def load_case(
    *, session: AsyncSession, case_id: str, templates: PinnedTemplates | None = None
) -> tuple[CaseInput, Template]:
    """A case's input and the template version it is pinned to (parsed once, in
    ``templates``, for as long as the service runs), with its repeatable groups expanded
    for its data (``templates.expansion``): the activities see one activity per row and the
    rows' values as plain fields. The input returned is then a copy, never written back."""
    case = await session.get(CaseInput, case_id)
    if case is None:
        raise CaseNotFound()
    pinned = (case.template_key, case.template_version)
    template = templates.get(pinned) if templates is not None else None
    if template is None:
        version = await session.get(TemplateVersion, pinned)
        if version is None:
            raise TemplateVersionMissing(case.template_key, case.template_version)
        template = Template.model_validate(version.definition)
        if templates is not None and version.status != "draft":
            templates.keep(pinned, template)
    expanded, data = expand(template, case.data)
    if expanded is template:
        return case, template
    columns = {c.key: getattr(case, c.key) for c in CaseInput.__table__.columns}
    return CaseInput(**{**columns, "data": data}), expanded
