"""Lifecycle domain operations: publishing templates and pinning cases to a version."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import CaseSubmitted, Envelope, TemplatePublished, derived_id
from lifecase_lifecycle.models import CaseInput, TemplateVersion
from lifecase_lifecycle.templates import Template
from lifecase_platform.outbox import Outbox

SOURCE = "lifecase/lifecycle"


async def publish_template(
    *, session: AsyncSession, outbox: Outbox, template: Template
) -> int | None:
    """Publish ``template`` as a new version unless the latest published one is identical.

    Returns the new version, or None when nothing changed.
    """
    definition = template.model_dump(mode="json")
    latest = await session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.key == template.key, TemplateVersion.status == "published")
        .order_by(TemplateVersion.version.desc())
        .limit(1)
    )
    if latest is not None and latest.definition == definition:
        return None
    highest = await session.scalar(
        select(func.max(TemplateVersion.version)).where(TemplateVersion.key == template.key)
    )
    version = (highest or 0) + 1
    now = datetime.now(UTC)
    session.add(
        TemplateVersion(
            key=template.key,
            version=version,
            status="published",
            definition=definition,
            created_at=now,
            published_at=now,
        )
    )
    event = TemplatePublished(
        key=template.key,
        version=version,
        title=template.title,
        description=template.description,
        input_schema=template.input_schema(),
        personal_fields=template.personal_fields,
    )
    await outbox.add(
        session,
        Envelope.wrap(event, source=SOURCE, id=derived_id("template", template.key, version)),
    )
    return version


async def published_templates(*, session: AsyncSession) -> list[TemplateVersion]:
    rows = await session.scalars(
        select(TemplateVersion)
        .where(TemplateVersion.status == "published")
        .order_by(TemplateVersion.key, TemplateVersion.version)
    )
    return list(rows)


async def record_case_input(*, session: AsyncSession, submitted: CaseSubmitted) -> None:
    """Keep a case's input, pinned to its template version (the case id is the natural key)."""
    if await session.get(CaseInput, submitted.case_id) is not None:
        return
    session.add(
        CaseInput(
            case_id=submitted.case_id,
            template_key=submitted.event_type,
            template_version=submitted.template_version,
            reporter=submitted.reporter,
            department=submitted.department,
            data=submitted.data,
            received_at=datetime.now(UTC),
        )
    )


async def load_case(*, session: AsyncSession, case_id: str) -> tuple[CaseInput, Template]:
    """A case's input and the template version it is pinned to."""
    case = await session.get(CaseInput, case_id)
    if case is None:
        raise LookupError(f"unknown case {case_id}")
    version = await session.get(TemplateVersion, (case.template_key, case.template_version))
    if version is None:
        raise LookupError(f"unknown template {case.template_key} v{case.template_version}")
    return case, Template.model_validate(version.definition)
