"""The reporter writes on their case, with files attached if she likes, and downloads them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from lifecase_contracts.api import Problem
from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import CaseMessagePublic, ReporterMessageCreate
from lifecase_intake.conversation import service
from lifecase_intake.conversation.deps import AttachmentRulesDep
from lifecase_platform import attachments
from lifecase_platform.auth import CurrentUser
from lifecase_platform.deps import AttachmentStoreDep, OutboxDep, SessionsDep
from lifecase_platform.errors import field_error
from lifecase_platform.problems import ProblemError

router = APIRouter(prefix="/api/v1", tags=["cases"])


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": Problem, "content": {"application/problem+json": {}}} for code in codes}


MESSAGE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ReporterMessageCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": 4000},
                        "in_reply_to": {"type": "string", "maxLength": 64},
                        "to_unit": {"type": "string", "maxLength": 100},
                        "attachments": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "Files (PDF, PNG, JPEG, plain text, DOCX, XLSX, "
                            "ODT); at most LIFECASE_ATTACHMENT_MAX_FILES of at most "
                            "LIFECASE_ATTACHMENT_MAX_BYTES each.",
                        },
                    },
                }
            },
        },
    }
}
NOT_JSON_OR_FORM = Localized(
    da="Send beskeden som JSON eller multipart/form-data.",
    en="Send the message as JSON or multipart/form-data.",
)


@router.post(
    "/cases/{case_id}/messages",
    status_code=201,
    responses=_problems(400, 401, 404, 409, 413, 415, 422, 503),
    openapi_extra=MESSAGE_BODY,
)
async def write(
    case_id: str,
    request: Request,
    response: Response,
    user: CurrentUser,
    sessions: SessionsDep,
    outbox: OutboxDep,
    store: AttachmentStoreDep,
    rules: AttachmentRulesDep,
) -> CaseMessagePublic:
    """Answer one of the caseworkers' questions (``in_reply_to`` its id; the task waiting for
    it resumes), or write to one unit with a task on the case (``to_unit`` its key; this
    answers no question). A message naming neither, or both, is refused (422).

    As ``multipart/form-data`` it may carry files (``attachments``): a file over the size
    limit is refused with 413, one of another type (or whose content does not match its
    name) with 415, one the virus scan refuses with 422; then nothing is stored."""
    body, files = await _message_of(request, max_files=rules.max_files)
    message = await service.write_with_files(
        sessions=sessions,
        outbox=outbox,
        store=store,
        rules=rules,
        reporter=user,
        case_id=case_id,
        body=body,
        files=files,
    )
    response.headers["Location"] = f"/api/v1/cases/{case_id}"
    return message


async def _message_of(
    request: Request, *, max_files: int
) -> tuple[ReporterMessageCreate, list[UploadFile]]:
    """The message from a JSON body or a form, and the form's files."""
    content_type = request.headers.get("content-type", "application/json").lower()
    try:
        if content_type.startswith("multipart/form-data"):
            form = await request.form(max_files=max_files + 1)
            named = ("text", "in_reply_to", "to_unit")
            fields = {k: v for k in named if isinstance(v := form.get(k), str)}
            if any("\x00" in v for v in fields.values()):  # no database keeps NUL in text
                raise RequestValidationError(
                    [field_error(["body", k], "NUL character", "nul") for k in fields]
                )
            # A file input left empty still sends a part, without a name or bytes.
            files = [
                f for f in form.getlist("attachments") if isinstance(f, UploadFile) and f.filename
            ]
            return ReporterMessageCreate.model_validate(fields), files
        if content_type.startswith("application/json"):
            return ReporterMessageCreate.model_validate_json(await request.body()), []
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None
    raise ProblemError(415, NOT_JSON_OR_FORM)


AttachmentId = Annotated[str, Path(max_length=64, description="The attachment's id.")]


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    responses={
        200: {"content": {t: {} for t in attachments.ALLOWED_TYPES}},
        **_problems(401, 404),
    },
    response_class=Response,
)
async def download(
    case_id: str,
    attachment_id: AttachmentId,
    user: CurrentUser,
    sessions: SessionsDep,
    outbox: OutboxDep,
    store: AttachmentStoreDep,
) -> Response:
    """A file attached to a message on the caller's own case, as a download (its stored
    type, ``Content-Disposition: attachment``). The download goes into the access log."""
    stored, data = await service.read_attachment(
        sessions=sessions,
        outbox=outbox,
        store=store,
        reporter=user,
        case_id=case_id,
        attachment_id=attachment_id,
    )
    return attachments.download(stored, data)
