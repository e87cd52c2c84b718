"""The triage model's rows: its versions (draft, active, retired) and the training examples
routing's history gives (transfers of general requests). Database access only; what a
version may do is ``lifecase_routing.triage.service``'s."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_platform.db import as_utc, insert_new
from lifecase_routing.models import TriageExample, TriageModelVersion
from lifecase_routing.triage.model import Example
from lifecase_routing.triage.scrub import scrub

LIFE_EVENT = "life_event"
UNIT = "unit"
TRANSFER = "transfer"
FREE_TEXT = "free_text"  # a general request its unit resolved where the model sent it
EXAMPLE_MAX_CHARS = 2000


@dataclass(frozen=True)
class VersionRow:
    """A model version without its bytes: what lists and pages show."""

    version: int
    status: str
    trained_by: str
    trained_at: datetime
    activated_by: str | None
    activated_at: datetime | None
    evaluation: dict[str, Any]
    trained_on: dict[str, int]
    fingerprint: str
    note: str | None


@dataclass(frozen=True)
class ExampleRow:
    id: str
    text: str
    label: str
    kind: str
    source: str
    created_at: datetime


_VERSION_COLUMNS = (
    TriageModelVersion.version,
    TriageModelVersion.status,
    TriageModelVersion.trained_by,
    TriageModelVersion.trained_at,
    TriageModelVersion.activated_by,
    TriageModelVersion.activated_at,
    TriageModelVersion.evaluation,
    TriageModelVersion.trained_on,
    TriageModelVersion.fingerprint,
    TriageModelVersion.note,
)


def _version_row(row: Any) -> VersionRow:
    return VersionRow(
        version=row.version,
        status=row.status,
        trained_by=row.trained_by,
        trained_at=as_utc(row.trained_at),
        activated_by=row.activated_by,
        activated_at=None if row.activated_at is None else as_utc(row.activated_at),
        evaluation=dict(row.evaluation),
        trained_on={k: int(v) for k, v in dict(row.trained_on).items()},
        fingerprint=row.fingerprint,
        note=row.note,
    )


def fingerprint(model: bytes) -> str:
    return hashlib.sha256(model).hexdigest()


async def next_version(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(TriageModelVersion.version))) or 0) + 1


async def any_version(session: AsyncSession) -> bool:
    found: int | None = await session.scalar(select(TriageModelVersion.version).limit(1))
    return found is not None


async def add_version(
    session: AsyncSession,
    *,
    version: int,
    model: bytes,
    evaluation: dict[str, Any],
    trained_on: dict[str, int],
    by: str,
    note: str | None = None,
    active: bool = False,
) -> bool:
    """Store a trained model as ``version`` (a draft, or at once the active one: the first
    version of a new installation). False if the version was taken meanwhile."""
    now = datetime.now(UTC)
    saved: bool = await insert_new(
        session,
        TriageModelVersion,
        {
            "version": version,
            "status": "active" if active else "draft",
            "trained_by": by,
            "trained_at": now,
            "activated_by": by if active else None,
            "activated_at": now if active else None,
            "evaluation": evaluation,
            "trained_on": trained_on,
            "fingerprint": fingerprint(model),
            "model": model,
            "note": note,
        },
    )
    return saved


async def list_versions(session: AsyncSession) -> list[VersionRow]:
    """Every version, newest first, without the model bytes."""
    rows = await session.execute(
        select(*_VERSION_COLUMNS).order_by(TriageModelVersion.version.desc())
    )
    return [_version_row(row) for row in rows]


async def get_version(session: AsyncSession, version: int) -> VersionRow | None:
    row = (
        await session.execute(
            select(*_VERSION_COLUMNS).where(TriageModelVersion.version == version)
        )
    ).first()
    return None if row is None else _version_row(row)


async def active_version(session: AsyncSession) -> tuple[int, str] | None:
    """The active version and its fingerprint (one small read: routing asks per batch)."""
    row = (
        await session.execute(
            select(TriageModelVersion.version, TriageModelVersion.fingerprint).where(
                TriageModelVersion.status == "active"
            )
        )
    ).first()
    return None if row is None else (row.version, row.fingerprint)


async def model_bytes(session: AsyncSession, version: int) -> bytes | None:
    data: bytes | None = await session.scalar(
        select(TriageModelVersion.model).where(TriageModelVersion.version == version)
    )
    return data


async def activate(session: AsyncSession, *, version: int, by: str) -> None:
    """Make ``version`` the active one; the one active before is retired."""
    await session.execute(
        update(TriageModelVersion)
        .where(TriageModelVersion.status == "active")
        .values(status="retired")
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(TriageModelVersion)
        .where(TriageModelVersion.version == version)
        .values(status="active", activated_by=by, activated_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )


def add_example(
    session: AsyncSession,
    *,
    text: str,
    label: str,
    kind: str,
    source: str,
    item_id: str | None = None,
) -> None:
    """Keep a labelled text for the next training, scrubbed before it is stored."""
    session.add(
        TriageExample(
            id=str(uuid.uuid4()),
            text=scrub(text)[:EXAMPLE_MAX_CHARS],
            label=label,
            kind=kind,
            source=source,
            created_at=datetime.now(UTC),
            item_id=item_id,
        )
    )


async def list_examples(
    session: AsyncSession, *, source: str | None = None, limit: int = 100
) -> list[ExampleRow]:
    """The latest examples (of one source), newest first."""
    query = select(TriageExample).order_by(TriageExample.created_at.desc(), TriageExample.id)
    if source is not None:
        query = query.where(TriageExample.source == source)
    return [
        ExampleRow(
            id=e.id,
            text=e.text,
            label=e.label,
            kind=e.kind,
            source=e.source,
            created_at=as_utc(e.created_at),
        )
        for e in await session.scalars(query.limit(limit))
    ]


async def history_examples(
    session: AsyncSession, *, weight: float = 2.0
) -> tuple[list[Example], list[Example]]:
    """Every stored example as (life-event examples, unit examples). A caseworker's
    correction weighs more than a seed text written to resemble one."""
    life_events: list[Example] = []
    units: list[Example] = []
    rows = await session.execute(
        select(TriageExample.text, TriageExample.label, TriageExample.kind, TriageExample.source)
        .where(TriageExample.text != "")
        .order_by(TriageExample.created_at, TriageExample.id)
    )
    for text, label, kind, source in rows:
        target = life_events if kind == LIFE_EVENT else units
        target.append(Example(text=text, label=label, source=source, weight=weight))
    return life_events, units
