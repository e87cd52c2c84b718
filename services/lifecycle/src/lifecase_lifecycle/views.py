"""Admin API for life-cycle templates: drafts, validation, four-eyes publishing (submit,
send back, approve; ``publishing``), what a version changes, its history, retiring, and the
cases running on each version. Templates are sent as JSON or as YAML
(``Content-Type: application/yaml``); problems name the place, with the YAML line."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, Field

from lifecase_contracts.api import Problem
from lifecase_contracts.events import Localized
from lifecase_contracts.preview import TemplatePreview, TemplatePreviewRequest
from lifecase_contracts.statuses import TemplateAction
from lifecase_lifecycle import migration, publishing, service, sharing
from lifecase_lifecycle.deps import RoutingPreviewDep, TemporalDep, workflow_progress
from lifecase_lifecycle.models import NOTE_LENGTH, TemplateVersion
from lifecase_lifecycle.operations import Operator
from lifecase_lifecycle.preview import preview_case
from lifecase_lifecycle.templates import (
    InvalidTemplate,
    Template,
    TemplateIssue,
    parse_template,
    template_json_schema,
    validate_template,
)
from lifecase_lifecycle.templates.bundle import bundle_name, bundle_yaml, read_bundle
from lifecase_platform.auth import CurrentUser, Principal, bearer_token
from lifecase_platform.db import as_utc
from lifecase_platform.deps import OutboxDep, SessionDep, SessionsDep, TxSessionDep
from lifecase_platform.documents import DocumentTooComplex, load_json
from lifecase_platform.errors import Conflict, Forbidden, Invalid
from lifecase_platform.problems import language
from lifecase_platform.ratelimit import count
from lifecase_platform.web import VersionNumber
from lifecase_platform.workdays import today_in_denmark

router = APIRouter(prefix="/api/v1/templates", tags=["templates"])
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 413, 422, 429)
}
TEMPLATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "A template (its JSON Schema: GET /api/v1/templates/schema).",
                }
            },
        },
    }
}


class VersionPublic(BaseModel):
    key: str
    version: int
    status: str
    definition: dict[str, Any]


async def drafter(request: Request, user: CurrentUser) -> Principal:
    """Administrators and process owners (who draft the life events' templates), counted
    against the administration rate limit."""
    if not publishing.may(user, publishing.DRAFTERS):
        raise Forbidden(
            Localized(
                da="Kun administratorer og procesejere kan arbejde med skabeloner.",
                en="Only administrators and process owners manage templates.",
            )
        )
    await count(request, "admin", user)
    return user


async def reader(request: Request, user: CurrentUser) -> Principal:
    """Those who draft and approve templates, and auditors, who check them."""
    if not publishing.may(user, publishing.READERS):
        raise Forbidden(
            Localized(
                da="Kun administratorer, procesejere og revisorer kan se skabelonerne.",
                en="Only administrators, process owners and auditors may read templates.",
            )
        )
    await count(request, "admin", user)
    return user


async def approver(request: Request, user: CurrentUser) -> Principal:
    """Process owners, who approve, send back and publish."""
    publishing.require_approver(user)
    await count(request, "admin", user)
    return user


TemplateKey = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Drafter = Annotated[Principal, Depends(drafter)]
Reader = Annotated[Principal, Depends(reader)]
Approver = Annotated[Principal, Depends(approver)]


class Note(BaseModel):
    """Why: a submission's summary for the approver, or the approver's reason."""

    note: str = Field(min_length=1, max_length=NOTE_LENGTH)


class OptionalNote(BaseModel):
    note: str = Field(default="", max_length=NOTE_LENGTH)


class ChangePublic(BaseModel):
    action: TemplateAction
    actor: str
    at: datetime
    note: str


class PartPublic(BaseModel):
    name: str
    before: str | None
    after: str | None


class DifferencePublic(BaseModel):
    section: str
    key: str
    kind: str
    parts: list[PartPublic]


class ComparisonPublic(BaseModel):
    """What a version changes against the published version of its template."""

    against: int | None
    changes: list[DifferencePublic]


async def template_body(request: Request) -> Template:
    """The template in the request body, or a 422 listing every problem and its line.
    Parsing and checking run off the event loop, within the document budget."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    is_yaml = "yaml" in request.headers.get("content-type", "")
    try:
        return await asyncio.to_thread(_read_template, raw, is_yaml=is_yaml)
    except InvalidTemplate as invalid:
        raise Invalid(
            Localized(da="Skabelonen er ikke gyldig.", en="The template is not valid."),
            type="urn:lifecase:problem:invalid-template",
            errors=[i.as_dict() for i in invalid.issues],
        ) from invalid


def _read_template(raw: str, *, is_yaml: bool) -> Template:
    if is_yaml:
        return parse_template(raw)
    try:
        document = load_json(raw)
    except DocumentTooComplex as error:
        raise InvalidTemplate([TemplateIssue(loc=(), message=str(error))]) from error
    except ValueError as error:
        raise InvalidTemplate(
            [TemplateIssue(loc=(), message=f"not valid JSON: {error}")]
        ) from error
    return validate_template(document)


Body = Annotated[Template, Depends(template_body)]


def _public(version: TemplateVersion) -> VersionPublic:
    return VersionPublic(
        key=version.key,
        version=version.version,
        status=version.status,
        definition=version.definition,
    )


@router.get("/schema", responses=PROBLEMS)
async def schema(_: CurrentUser) -> dict[str, Any]:
    """The JSON Schema of the template format (any signed-in user)."""
    return template_json_schema()


@router.post("/validate", responses=PROBLEMS, openapi_extra=TEMPLATE_BODY)
async def validate(_: Drafter, template: Body) -> dict[str, Any]:
    """Check a template without saving it."""
    return {"valid": True, "key": template.key, "input_schema": template.input_schema()}


@router.get("", responses=PROBLEMS)
async def list_templates(_: Reader, session: SessionDep) -> list[VersionPublic]:
    """Every version of every template."""
    return [_public(v) for v in await service.list_versions(session=session)]


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=PROBLEMS, openapi_extra=TEMPLATE_BODY
)
async def create_draft(
    response: Response, admin: Drafter, template: Body, session: TxSessionDep, outbox: OutboxDep
) -> VersionPublic:
    """Save a template as a new draft version."""
    draft = await publishing.create_draft(session, outbox, user=admin, template=template)
    response.headers["Location"] = f"/api/v1/templates/{draft.key}/versions/{draft.version}"
    return _public(draft)


class ImportPublic(BaseModel):
    """The draft a bundle became, and what must be mapped here before it routes as intended:
    units the template names and queues its example rules use that this system lacks, and
    sub-case types its active rules send to triage (``routing_checked`` false: routing could
    not be asked)."""

    draft: VersionPublic
    routing_checked: bool
    unknown_units: list[str]
    unknown_queues: list[str]
    unrouted_types: list[str]


BUNDLE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/yaml": {"schema": {"type": "string"}}},
    }
}


@router.post(
    "/bundles", status_code=status.HTTP_201_CREATED, responses=PROBLEMS, openapi_extra=BUNDLE_BODY
)
async def import_bundle(
    request: Request,
    response: Response,
    admin: Drafter,
    sessions: SessionsDep,
    outbox: OutboxDep,
    routing: RoutingPreviewDep,
) -> ImportPublic:
    """Import a bundle (YAML, as exported by another lifecase) as a new draft of its life
    event, checked as any template is; the draft goes through approval like any other."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    try:
        bundle, template = await asyncio.to_thread(read_bundle, raw)
    except InvalidTemplate as invalid:
        raise Invalid(
            Localized(da="Pakken er ikke gyldig.", en="The bundle is not valid."),
            type="urn:lifecase:problem:invalid-template",
            errors=[i.as_dict() for i in invalid.issues],
        ) from invalid
    mapping = await sharing.local_mapping(
        routing, token=bearer_token(request), bundle=bundle, template=template
    )
    async with sessions() as session, session.begin():
        draft = await sharing.import_draft(
            session, outbox, user=admin, bundle=bundle, template=template
        )
        public = _public(draft)
    response.headers["Location"] = f"/api/v1/templates/{draft.key}/versions/{draft.version}"
    return ImportPublic(
        draft=public,
        routing_checked=mapping.routing_checked,
        unknown_units=mapping.unknown_units,
        unknown_queues=mapping.unknown_queues,
        unrouted_types=mapping.unrouted_types,
    )


@router.get(
    "/{key}/versions/{version}/bundle",
    # The YAML document is one mapping (format ``lifecase-bundle/1``): clients that read
    # YAML, as the OpenAPI tools do, get an object.
    responses={**PROBLEMS, 200: {"content": {"application/yaml": {"schema": {"type": "object"}}}}},
    response_class=Response,
)
async def export_bundle(
    key: str,
    version: VersionNumber,
    request: Request,
    _: Reader,
    session: SessionDep,
    routing: RoutingPreviewDep,
) -> Response:
    """The version as a bundle to share with another municipality: the template, its
    documentation, the sub-case types it opens and example routing rules (where this
    system's active rules send each type)."""
    bundle = await sharing.export_bundle(
        session, routing, token=bearer_token(request), key=key, version=version
    )
    return Response(
        bundle_yaml(bundle),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{bundle_name(key, version)}"'},
    )


class OwnersPublic(BaseModel):
    """Who approves this life event's versions; empty: every process owner."""

    key: str
    owners: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9._@-]{1,100}$")]] = Field(max_length=20)


@router.get("/{key}/owners", responses=PROBLEMS)
async def get_owners(key: TemplateKey, _: Reader, session: SessionDep) -> OwnersPublic:
    return OwnersPublic(key=key, owners=await publishing.owners(session, key=key))


@router.put("/{key}/owners", responses=PROBLEMS)
async def put_owners(
    key: TemplateKey,
    body: OwnersPublic,
    user: Operator,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> OwnersPublic:
    """Name the process owners who approve this life event's versions (administrators)."""
    if body.key != key:
        raise Conflict(
            Localized(
                da="Livshændelsen i indholdet passer ikke med adressen.",
                en="The life event in the body does not match the URL.",
            )
        )
    chosen = await publishing.set_owners(
        session, outbox, user=user, key=key, usernames=list(body.owners)
    )
    return OwnersPublic(key=key, owners=chosen)


@router.get("/{key}/versions", responses=PROBLEMS)
async def list_versions(key: str, _: Reader, session: SessionDep) -> list[VersionPublic]:
    return [_public(v) for v in await service.list_versions(session=session, key=key)]


@router.get("/{key}/versions/{version}", responses=PROBLEMS)
async def get_version(
    key: str, version: VersionNumber, _: Reader, session: SessionDep
) -> VersionPublic:
    return _public(await service.get_version(session=session, key=key, version=version))


@router.put("/{key}/versions/{version}", responses=PROBLEMS, openapi_extra=TEMPLATE_BODY)
async def replace_draft(
    key: str,
    version: VersionNumber,
    admin: Drafter,
    template: Body,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> VersionPublic:
    """Change a draft (a published version is immutable: 409)."""
    draft = await publishing.change_draft(
        session, outbox, user=admin, key=key, version=version, template=template
    )
    return _public(draft)


@router.post("/{key}/versions/{version}/submit", responses=PROBLEMS)
async def submit(
    key: str,
    version: VersionNumber,
    body: Note,
    admin: Drafter,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> VersionPublic:
    """Send a draft to a process owner for approval, with a note on what it changes and why.
    It can no longer be edited unless it is sent back."""
    submitted = await publishing.submit(
        session, outbox, key=key, version=version, user=admin, note=body.note
    )
    return _public(submitted)


@router.post("/{key}/versions/{version}/send-back", responses=PROBLEMS)
async def send_back(
    key: str,
    version: VersionNumber,
    body: Note,
    user: Approver,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> VersionPublic:
    """Return a submitted version to draft, saying why (process owners)."""
    returned = await publishing.send_back(
        session, outbox, key=key, version=version, user=user, note=body.note
    )
    return _public(returned)


@router.post("/{key}/versions/{version}/publish", responses=PROBLEMS)
async def publish(
    key: str,
    version: VersionNumber,
    user: Approver,
    session: TxSessionDep,
    outbox: OutboxDep,
    body: OptionalNote | None = None,
) -> VersionPublic:
    """Approve and publish a submitted version (a process owner who did not draft, change
    or submit it): new cases use it; running cases keep their version."""
    published = await publishing.approve(
        session,
        outbox,
        key=key,
        version=version,
        user=user,
        note=body.note if body else "",
    )
    return _public(published)


class MigrationRequest(BaseModel):
    """Which running cases to consider (``null`` in a dry run: every case of the life
    event on an older version)."""

    case_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None, max_length=migration.MAX_CASES
    )


class MoveRequest(BaseModel):
    case_ids: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=migration.MAX_CASES
    )


class ChangePart(BaseModel):
    kind: str
    activity: str
    title: Localized
    before: date | None
    after: date | None


class CaseMovePublic(BaseModel):
    case_id: str
    from_version: int
    movable: bool
    problem: Localized | None
    changes: list[ChangePart]


def _moves(moves: list[migration.CaseMove]) -> list[CaseMovePublic]:
    return [
        CaseMovePublic(
            case_id=m.case_id,
            from_version=m.from_version,
            movable=m.movable,
            problem=m.problem,
            changes=[
                ChangePart(
                    kind=c.kind, activity=c.activity, title=c.title, before=c.before, after=c.after
                )
                for c in m.changes
            ],
        )
        for m in moves
    ]


@router.post("/{key}/versions/{version}/migration/dry-run", responses=PROBLEMS)
async def migration_dry_run(
    key: str,
    version: VersionNumber,
    body: MigrationRequest,
    request: Request,
    _: Drafter,
    session: SessionDep,
    temporal: TemporalDep,
) -> list[CaseMovePublic]:
    """What moving running cases to this (published) version would change, per case:
    sub-cases added, cancelled, kept because they are done, and re-dated; or why a case
    cannot move. Nothing changes."""
    moves = await migration.dry_run(
        session,
        workflow_progress(temporal),
        key=key,
        version=version,
        case_ids=body.case_ids,
        today=today_in_denmark(),
        language=language(request),
    )
    return _moves(moves)


@router.post("/{key}/versions/{version}/migration", responses=PROBLEMS)
async def migrate(
    key: str,
    version: VersionNumber,
    body: MoveRequest,
    request: Request,
    user: Drafter,
    session: TxSessionDep,
    outbox: OutboxDep,
    temporal: TemporalDep,
) -> list[CaseMovePublic]:
    """Move the named running cases to this (published) version; each case's workflow
    re-plans on it and the reporter's timeline says what changed. Cases that cannot move
    are listed with the reason and left as they are."""
    moves = await migration.migrate(
        session,
        outbox,
        workflow_progress(temporal),
        user=user,
        key=key,
        version=version,
        case_ids=body.case_ids,
        today=today_in_denmark(),
        language=language(request),
    )
    return _moves(moves)


@router.get("/{key}/versions/{version}/changes", responses=PROBLEMS)
async def changes(
    key: str, version: VersionNumber, _: Reader, session: SessionDep
) -> ComparisonPublic:
    """What the version changes against the published one: fields, activities and
    withdrawal follow-ups added, removed or changed, and in what."""
    compared = await publishing.compare(session, key=key, version=version)
    return ComparisonPublic(
        against=compared.published.version if compared.published else None,
        changes=[
            DifferencePublic(
                section=c.section,
                key=c.key,
                kind=c.kind,
                parts=[PartPublic(name=p.name, before=p.before, after=p.after) for p in c.parts],
            )
            for c in compared.changes
        ],
    )


@router.get("/{key}/versions/{version}/history", responses=PROBLEMS)
async def history(
    key: str, version: VersionNumber, _: Reader, session: SessionDep
) -> list[ChangePublic]:
    """Who did what to the version, when, and the note they gave; oldest first."""
    await service.get_version(session=session, key=key, version=version)
    rows = await publishing.history(session, key=key, version=version)
    return [
        ChangePublic(action=r.action, actor=r.actor, at=as_utc(r.at), note=r.note) for r in rows
    ]


@router.post("/{key}/versions/{version}/retire", responses=PROBLEMS)
async def retire(
    key: str, version: VersionNumber, admin: Drafter, session: TxSessionDep, outbox: OutboxDep
) -> VersionPublic:
    """Stop new cases on a version; running cases finish on it."""
    retired = await publishing.retire(session, outbox, user=admin, key=key, version=version)
    return _public(retired)


@router.post("/{key}/preview", responses=PROBLEMS)
async def preview(
    key: str, body: TemplatePreviewRequest, request: Request, _: CurrentUser, session: SessionDep
) -> TemplatePreview:
    """What a case with ``data`` would become (any signed-in user; nothing is stored): for
    each activity, whether it applies, when it opens or what it waits for, its due date and
    the fields it carries. The portal shows it before a reporter submits."""
    return await preview_case(
        session=session,
        key=key,
        version=body.version,
        data=body.data,
        today=today_in_denmark(),
        language=language(request),
    )


@router.get("/{key}/versions/{version}/cases", responses=PROBLEMS)
async def running_cases(
    key: str, version: VersionNumber, _: Reader, session: SessionDep
) -> list[dict[str, Any]]:
    """The cases still running on a version."""
    return await service.running_cases(session=session, key=key, version=version)
