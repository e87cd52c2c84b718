"""The triage API: suggestions for a reporter's free text (any signed-in person), and for
administrators the model versions (train a draft, approve and activate it: four eyes) and
the training examples routing's history gave."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, field_validator

from lifecase_contracts.api import Problem
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import OutboxDep, SessionDep, SessionsDep, SettingsDep, TxSessionDep
from lifecase_platform.ratelimit import count
from lifecase_platform.web import VersionNumber
from lifecase_platform.webui.admin_area import require_admin_area
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.admin_views import Admin
from lifecase_routing.settings import RoutingSettings
from lifecase_routing.triage import service, store

router = APIRouter(prefix="/api/v1/triage", tags=["triage"])
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 422, 429, 503)
}
TEXT_MAX = 2000


class SuggestionRequest(BaseModel):
    text: Annotated[str, Field(description="What happened, in the reporter's words.")]
    language: Literal["da", "en"] = "da"

    @field_validator("text")
    @classmethod
    def _length(cls, text: str) -> str:
        stripped = text.strip()
        if not stripped:
            raise ValueError("Skriv hvad der er sket. / Describe what happened.")
        if len(stripped) > TEXT_MAX:
            raise ValueError(f"Højst {TEXT_MAX} tegn. / At most {TEXT_MAX} characters.")
        return stripped


class LifeEventSuggestion(BaseModel):
    key: str
    probability: float
    words: list[str]
    fields: dict[str, str]


class UnitSuggestion(BaseModel):
    queue: str
    probability: float
    confident: bool
    words: list[str]


class Suggestions(BaseModel):
    model_version: int
    threshold: float
    confident: bool
    life_events: list[LifeEventSuggestion]
    unit: UnitSuggestion | None


class ModelVersion(BaseModel):
    version: int
    status: Literal["draft", "active", "retired"]
    trained_by: str
    trained_at: datetime
    activated_by: str | None
    activated_at: datetime | None
    evaluation: dict[str, Any]
    trained_on: dict[str, int]
    note: str | None


class TrainRequest(BaseModel):
    note: Annotated[str | None, Field(max_length=500)] = None


class TrainingExample(BaseModel):
    text: str
    label: str
    kind: Literal["life_event", "unit"]
    source: str
    created_at: datetime


def model_version(row: store.VersionRow) -> ModelVersion:
    return ModelVersion(
        version=row.version,
        status=row.status,
        trained_by=row.trained_by,
        trained_at=row.trained_at,
        activated_by=row.activated_by,
        activated_at=row.activated_at,
        evaluation=row.evaluation,
        trained_on=row.trained_on,
        note=row.note,
    )


async def reader(request: Request, user: CurrentUser) -> Principal:
    """Those who read the admin area (administrators, process owners, auditors)."""
    require_admin_area(user)
    await count(request, "admin", user)
    return user


Reader = Annotated[Principal, Depends(reader)]


@router.post("/suggestions", responses=PROBLEMS)
async def suggestions(
    body: SuggestionRequest, request: Request, user: CurrentUser, session: SessionDep
) -> Suggestions:
    """The life events that fit what the reporter wrote (best first, at most three), each
    with the words that weighed most and the form values the text already gives, and the
    unit queue a general request would go to. Nothing is filed, stored or logged."""
    await count(request, "search", user)
    found = await service.suggest(session=session, text=body.text, today=today_in_denmark())
    unit = found.unit
    return Suggestions(
        model_version=found.version,
        threshold=found.threshold,
        confident=found.confident,
        life_events=[
            LifeEventSuggestion(
                key=s.label,
                probability=round(s.probability, 4),
                words=list(s.words),
                fields=fields,
            )
            for s, fields in found.life_events
        ],
        unit=None
        if unit is None
        else UnitSuggestion(
            queue=unit.label,
            probability=round(unit.probability, 4),
            confident=unit.probability >= found.threshold,
            words=list(unit.words),
        ),
    )


@router.get("/models", responses=PROBLEMS)
async def list_models(_: Reader, session: SessionDep) -> list[ModelVersion]:
    """Every model version, newest first: its status, who trained and who activated it,
    and its evaluation on a held-out split (accuracy, top 3, share below the threshold,
    per-class precision and recall, confusion with the triage fallback)."""
    return [model_version(row) for row in await store.list_versions(session)]


@router.post("/models", status_code=201, responses=PROBLEMS)
async def train_model(
    admin: Admin,
    sessions: SessionsDep,
    outbox: OutboxDep,
    settings: SettingsDep,
    body: TrainRequest | None = None,
) -> ModelVersion:
    """Train a new draft from the seed set and routing's history (transfers of general
    requests). Another administrator or a process owner approves and activates it."""
    threshold = settings.triage_threshold if isinstance(settings, RoutingSettings) else 0.5
    row = await service.train_version(
        sessions=sessions,
        outbox=outbox,
        by=admin,
        threshold=threshold,
        note=body.note if body else None,
    )
    return model_version(row)


@router.post("/models/{version}/activate", responses=PROBLEMS)
async def activate_model(
    version: VersionNumber,
    request: Request,
    user: CurrentUser,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> ModelVersion:
    """Approve a draft and use it from now on; the active version is retired. Not by the
    one who trained it (four eyes: 403); only a draft (409)."""
    await count(request, "admin", user)
    row = await service.activate_version(session=session, outbox=outbox, version=version, by=user)
    return model_version(row)


@router.get("/examples", responses=PROBLEMS)
async def list_examples(
    _: Reader,
    session: SessionDep,
    source: Annotated[Literal["transfer", "routed", "free_text"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[TrainingExample]:
    """The training examples routing's history gave (newest first): the scrubbed text,
    the label it teaches, where it came from and when."""
    return [
        TrainingExample(
            text=e.text,
            label=e.label,
            kind=e.kind,
            source=e.source,
            created_at=e.created_at,
        )
        for e in await store.list_examples(session, source=source, limit=limit)
    ]
