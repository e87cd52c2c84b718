"""What the admin area shows of templates, read in one place: the library (every life
event with its versions and the cases running on each), one version in full, and a test
run of a version with sample data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.preview import ActivityPreview
from lifecase_contracts.statuses import TemplateStatus
from lifecase_lifecycle.models import CaseInput, TemplateVersion
from lifecase_lifecycle.preview import preview
from lifecase_lifecycle.templates import InputField, Template
from lifecase_platform.case_data import validate_case_data
from lifecase_platform.documents import load_json
from lifecase_platform.errors import NotFound, field_error


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
    def running(self) -> int:
        return sum(v.running for v in self.versions)


async def library(*, session: AsyncSession) -> list[LibraryEntry]:
    """Every life event, newest version first, with the number of running cases of each
    version (one grouped count, not one per version)."""
    counts = await session.execute(
        select(CaseInput.template_key, CaseInput.template_version, func.count())
        .where(CaseInput.status == "running")
        .group_by(CaseInput.template_key, CaseInput.template_version)
    )
    running = {(key, version): count for key, version, count in counts.tuples()}
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


def example_data(template: Template, today: date) -> dict[str, Any]:
    """Sample data a designer can start a test run from: a valid value for every field
    (dates a month ahead, the first choice, the lowest number allowed, one row of each
    repeatable group). Invented values, never anybody's."""
    return _example(template.fields, today)


def _example(fields: list[InputField], today: date) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in fields:
        match f.type:
            case "group":
                data[f.key] = [_example(f.fields or [], today)] * max(f.min_items, 1)
            case "number":
                data[f.key] = f.minimum if f.minimum is not None and f.minimum > 0 else 1
            case "date":
                data[f.key] = (today + timedelta(days=30)).isoformat()
            case "boolean":
                data[f.key] = True
            case "choice":
                data[f.key] = (f.choices or [])[0].value
            case "email":
                data[f.key] = "navn@example.dk"
            case "cpr":
                data[f.key] = "0101901234"
            case _:
                data[f.key] = f.label.da[: f.max_length]
    return data


def try_sample(
    template: Template, raw: str, *, today: date, language: str
) -> tuple[list[ActivityPreview], list[dict[str, Any]]]:
    """What a case of ``template`` with the sample data ``raw`` (JSON) would become, by the
    same planning as the workflow; or the problems with the data, as intake would name them."""
    if len(raw.encode()) > MAX_SAMPLE_BYTES:
        return [], [field_error(["data"], SAMPLE_TOO_LARGE.pick(language), "too_large")]
    try:
        data = load_json(raw)
    except ValueError:
        return [], [field_error(["data"], NOT_JSON.pick(language), "json")]
    if not isinstance(data, dict):
        return [], [field_error(["data"], NOT_AN_OBJECT.pick(language), "json")]
    errors = validate_case_data(template.input_schema(), data, language)
    if errors:
        return [], errors
    return preview(template, data, today), []


MAX_SAMPLE_BYTES = 64_000
SAMPLE_TOO_LARGE = Localized(
    da="Eksemplet må højst fylde 64 kB.", en="The sample may be at most 64 kB."
)
NOT_JSON = Localized(da="Eksemplet er ikke gyldig JSON.", en="The sample is not valid JSON.")
NOT_AN_OBJECT = Localized(
    da="Eksemplet skal være et JSON-objekt med felternes nøgler.",
    en="The sample must be a JSON object keyed by the fields' keys.",
)
