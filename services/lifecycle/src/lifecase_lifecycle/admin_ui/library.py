"""What the admin area shows of templates, read in one place: the library (every life
event with its versions and the cases running on each) and one version in full."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.statuses import TemplateStatus
from lifecase_lifecycle.models import CaseInput, TemplateVersion
from lifecase_lifecycle.templates import Template
from lifecase_platform.errors import NotFound


@dataclass(frozen=True)
class VersionRow:
    version: int
    status: TemplateStatus
    created_at: datetime
    published_at: datetime | None
    running: int


@dataclass
class LibraryEntry:
    key: str
    title: Localized
    versions: list[VersionRow] = field(default_factory=list)

    @property
    def published(self) -> VersionRow | None:
        return next((v for v in self.versions if v.status == "published"), None)

    @property
    def running(self) -> int:
        return sum(v.running for v in self.versions)


async def library(*, session: AsyncSession) -> list[LibraryEntry]:
    """Every life event, newest version first, with the number of running cases of each
    version (one grouped count, not one per version)."""
    running = dict(
        (
            (key, version),
            count,
        )
        for key, version, count in (
            await session.execute(
                select(CaseInput.template_key, CaseInput.template_version, func.count())
                .where(CaseInput.status == "running")
                .group_by(CaseInput.template_key, CaseInput.template_version)
            )
        ).tuples()
    )
    entries: dict[str, LibraryEntry] = {}
    versions = await session.scalars(
        select(TemplateVersion).order_by(TemplateVersion.key, TemplateVersion.version.desc())
    )
    for v in versions:
        entry = entries.setdefault(v.key, LibraryEntry(key=v.key, title=_title(v)))
        if v.status == "published" or not entry.versions:
            entry.title = _title(v)
        entry.versions.append(
            VersionRow(
                version=v.version,
                status=v.status,
                created_at=v.created_at,
                published_at=v.published_at,
                running=running.get((v.key, v.version), 0),
            )
        )
    return sorted(entries.values(), key=lambda e: e.title.da)


async def version(*, session: AsyncSession, key: str, number: int) -> tuple[Template, VersionRow]:
    """One version in full, read and checked as the engine reads it."""
    found = await session.get(TemplateVersion, (key, number))
    if found is None:
        raise NotFound(Localized(da="skabelonversionen", en="template version"))
    running = await session.scalar(
        select(func.count())
        .select_from(CaseInput)
        .where(
            CaseInput.template_key == key,
            CaseInput.template_version == number,
            CaseInput.status == "running",
        )
    )
    row = VersionRow(
        version=found.version,
        status=found.status,
        created_at=found.created_at,
        published_at=found.published_at,
        running=running or 0,
    )
    return Template.model_validate(found.definition), row


def _title(v: TemplateVersion) -> Localized:
    title = v.definition.get("title") or {}
    return Localized(da=title.get("da") or v.key, en=title.get("en") or v.key)
