"""Admin API for life-cycle templates: drafts, validation, publishing, retiring, and the
cases running on each version. Templates are sent as JSON or as YAML
(``Content-Type: application/yaml``); problems name the place, with the YAML line."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import Problem
from lifecase_contracts.events import Localized
from lifecase_contracts.preview import TemplatePreview, TemplatePreviewRequest
from lifecase_lifecycle import service
from lifecase_lifecycle.models import TemplateVersion
from lifecase_lifecycle.preview import preview_case
from lifecase_lifecycle.templates import (
    InvalidTemplate,
    Template,
    TemplateIssue,
    parse_template,
    template_json_schema,
    validate_template,
)
from lifecase_platform import access_log
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import OutboxDep, SessionDep, TxSessionDep
from lifecase_platform.documents import DocumentTooComplex, load_json
from lifecase_platform.errors import Forbidden, Invalid
from lifecase_platform.outbox import Outbox
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


TEMPLATE_KEEPERS = frozenset({"admin", "process_owner"})


async def admin(request: Request, user: CurrentUser) -> Principal:
    """Administrators and process owners (who design the life events' templates), counted
    against the administration rate limit."""
    if not TEMPLATE_KEEPERS & set(user.roles):
        raise Forbidden(
            Localized(
                da="Kun administratorer og procesejere kan arbejde med skabeloner.",
                en="Only administrators and process owners manage templates.",
            )
        )
    await count(request, "admin", user)
    return user


Admin = Annotated[Principal, Depends(admin)]


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
async def validate(_: Admin, template: Body) -> dict[str, Any]:
    """Check a template without saving it."""
    return {"valid": True, "key": template.key, "input_schema": template.input_schema()}


async def _log(
    outbox: Outbox, session: AsyncSession, admin: Principal, action: str, v: TemplateVersion
) -> None:
    """The change's line in the access log, in the change's transaction."""
    await access_log.record(
        session,
        outbox,
        source=service.SOURCE,
        user=admin,
        action=action,
        resource="template",
        resource_id=f"{v.key}/{v.version}",
        reason="administrator" if admin.is_admin else "process owner",
    )


@router.get("", responses=PROBLEMS)
async def list_templates(_: Admin, session: SessionDep) -> list[VersionPublic]:
    """Every version of every template."""
    return [_public(v) for v in await service.list_versions(session=session)]


@router.post(
    "", status_code=status.HTTP_201_CREATED, responses=PROBLEMS, openapi_extra=TEMPLATE_BODY
)
async def create_draft(
    response: Response, admin: Admin, template: Body, session: TxSessionDep, outbox: OutboxDep
) -> VersionPublic:
    """Save a template as a new draft version."""
    draft = await service.create_draft(session=session, template=template)
    await _log(outbox, session, admin, "template.created", draft)
    response.headers["Location"] = f"/api/v1/templates/{draft.key}/versions/{draft.version}"
    return _public(draft)


@router.get("/{key}/versions", responses=PROBLEMS)
async def list_versions(key: str, _: Admin, session: SessionDep) -> list[VersionPublic]:
    return [_public(v) for v in await service.list_versions(session=session, key=key)]


@router.get("/{key}/versions/{version}", responses=PROBLEMS)
async def get_version(
    key: str, version: VersionNumber, _: Admin, session: SessionDep
) -> VersionPublic:
    return _public(await service.get_version(session=session, key=key, version=version))


@router.put("/{key}/versions/{version}", responses=PROBLEMS, openapi_extra=TEMPLATE_BODY)
async def replace_draft(
    key: str,
    version: VersionNumber,
    admin: Admin,
    template: Body,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> VersionPublic:
    """Change a draft (a published version is immutable: 409)."""
    draft = await service.replace_draft(
        session=session, key=key, version=version, template=template
    )
    await _log(outbox, session, admin, "template.changed", draft)
    return _public(draft)


@router.post("/{key}/versions/{version}/publish", responses=PROBLEMS)
async def publish(
    key: str, version: VersionNumber, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> VersionPublic:
    """Publish a draft: new cases use it; running cases keep their version."""
    published = await service.publish_version(
        session=session, outbox=outbox, key=key, version=version
    )
    await _log(outbox, session, admin, "template.published", published)
    return _public(published)


@router.post("/{key}/versions/{version}/retire", responses=PROBLEMS)
async def retire(
    key: str, version: VersionNumber, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> VersionPublic:
    """Stop new cases on a version; running cases finish on it."""
    retired = await service.retire_version(session=session, outbox=outbox, key=key, version=version)
    await _log(outbox, session, admin, "template.retired", retired)
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
    key: str, version: VersionNumber, _: Admin, session: SessionDep
) -> list[dict[str, Any]]:
    """The cases still running on a version."""
    return await service.running_cases(session=session, key=key, version=version)
