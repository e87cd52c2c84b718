"""RFC 9457 problem+json for every error, mapped once per app, in Danish or English."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifecase_contracts.events import Localized
from lifecase_platform.documents import DocumentTooComplex, NotANumber, load_json
from lifecase_platform.errors import VALIDATION, DomainError, field_error

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
ERROR = Localized(da="Fejl", en="Error")

TITLES: dict[int, Localized] = {
    400: Localized(da="Ugyldig forespørgsel", en="Bad request"),
    401: Localized(da="Ikke logget ind", en="Not authenticated"),
    403: Localized(da="Ingen adgang", en="Forbidden"),
    404: Localized(da="Ikke fundet", en="Not found"),
    405: Localized(da="Metoden er ikke tilladt", en="Method not allowed"),
    409: Localized(da="Konflikt", en="Conflict"),
    413: Localized(da="Forespørgslen er for stor", en="Request too large"),
    415: Localized(da="Medietypen understøttes ikke", en="Unsupported media type"),
    422: Localized(da="Valideringen fejlede", en="Validation failed"),
    500: Localized(da="Intern fejl", en="Internal server error"),
    503: Localized(da="Tjenesten er ikke tilgængelig", en="Service unavailable"),
}


def language(request: Request) -> str:
    """'da' unless the client prefers English (Accept-Language or ?lang=en)."""
    explicit = request.query_params.get("lang")
    if explicit in ("da", "en"):
        return explicit
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("da"):
            return "da"
    return "da"


class ProblemError(DomainError):
    """An error of the HTTP layer itself, whose status only HTTP gives a meaning (a form
    that expired, a refused CSRF token, too many requests). Domain code raises the named
    errors of ``lifecase_platform.errors`` instead."""

    def __init__(
        self,
        status: int,
        text: Localized | None = None,
        *,
        type: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(text, type=type, errors=errors, headers=headers)
        self.status = status


def problem_response(
    request: Request,
    status: int,
    *,
    detail: Localized | None = None,
    type: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    lang = language(request)
    body: dict[str, Any] = {
        "type": type,
        "title": TITLES.get(status, ERROR).pick(lang),
        "status": status,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail.pick(lang)
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        field_error(e.get("loc", ()), e.get("msg", ""), e.get("type", "")) for e in error.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error an app can raise to problem+json, once."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(
            request,
            exc.status,
            detail=exc.text,
            type=exc.type,
            errors=exc.errors,
            headers=exc.headers,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        text = str(exc.detail)
        detail = Localized(da=text, en=text) if exc.detail and exc.status_code != 404 else None
        return problem_response(
            request, exc.status_code, detail=detail, headers=getattr(exc, "headers", None)
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(
            request,
            422,
            type=VALIDATION,
            detail=Localized(
                da="Forespørgslen har ugyldige felter.", en="The request has invalid fields."
            ),
            errors=_field_errors(exc),
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc, extra={"path": request.url.path})
        return problem_response(request, 500)

    app.add_exception_handler(DomainError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413 before the app reads them.
    ``larger``: (path pattern, bytes) for the few POST routes that take files (a message
    with attachments), each still bounded."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = [(re.compile(pattern), limit) for pattern, limit in larger]

    def _limit(self, scope: Scope) -> int:
        if scope.get("method") == "POST":
            path = scope.get("path", "")
            for pattern, limit in self.larger:
                if pattern.fullmatch(path):
                    return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._reject(scope, send, max_bytes)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reject(scope, send, max_bytes)

    async def _reject(self, scope: Scope, send: Send, max_bytes: int) -> None:
        request = Request(scope)
        response = problem_response(
            request,
            413,
            type="urn:lifecase:problem:too-large",
            detail=Localized(
                da=f"Indholdet må højst fylde {max_bytes} bytes.",
                en=f"The body may be at most {max_bytes} bytes.",
            ),
        )
        await response(scope, _no_receive, send)


class _TooLarge(Exception):
    pass


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class JsonBodyCheck:
    """Refuse JSON bodies no handler can store, before any handler sees them: nesting or
    size beyond the document budget, NaN/Infinity, integers outside JSON's safe range,
    and text with NUL characters or lone surrogates (neither survives UTF-8 or PostgreSQL).
    Answers 400 problem+json; a body that passes is handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        problem = _json_problem(body)
        if problem is not None:
            response = problem_response(
                Request(scope),
                400,
                type="urn:lifecase:problem:bad-json",
                detail=problem,
                errors=[field_error(["body"], problem.en, "json")],
            )
            await response(scope, _no_receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


SAFE_INTEGER = 2**53 - 1


def _is_json(scope: Scope) -> bool:
    content_type: bytes = dict(scope.get("headers") or []).get(b"content-type", b"")
    media = content_type.lower().split(b";")[0].strip()
    return media == b"application/json" or media.endswith(b"+json")


def _json_problem(body: bytes) -> Localized | None:
    if not body.strip():
        return None
    try:
        document = load_json(body)
    except DocumentTooComplex as error:
        return Localized(da=_TOO_COMPLEX_DA, en=str(error))
    except NotANumber:
        return Localized(
            da="NaN og Infinity er ikke tal, som JSON tillader.",
            en="NaN and Infinity are not numbers JSON allows.",
        )
    except (ValueError, UnicodeDecodeError):
        return None  # not JSON at all: the handler's own parser explains that
    return _unstorable(document)


_TOO_COMPLEX_DA = "Dokumentet er for dybt indlejret eller har for mange værdier."


def _unstorable(document: Any) -> Localized | None:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            if "\x00" in value or not _encodes(value):
                return Localized(
                    da="Tekst må ikke indeholde NUL-tegn eller enlige surrogattegn.",
                    en="Text may not contain NUL characters or lone surrogates.",
                )
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE_INTEGER:
            return Localized(
                da=f"Heltal skal ligge inden for ±{SAFE_INTEGER}.",
                en=f"Whole numbers must lie within ±{SAFE_INTEGER}.",
            )
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
