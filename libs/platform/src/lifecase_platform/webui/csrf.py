"""Cross-site request forgery: every state-changing page request must carry the token of
the browser it came from (double-submit). The token lives in an ``HttpOnly``, ``SameSite=
Strict`` cookie that other sites can neither read nor set; every form repeats it in a hidden
field (``csrf_token``) and htmx sends it as ``X-CSRF-Token`` (set once on ``<body>``). A
request whose two copies differ, or that lacks one, is refused before anything happens.
The Origin check in ``SecurityHeaders`` comes on top."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.responses import Response

from lifecase_contracts.events import Localized
from lifecase_platform.errors import Forbidden

CSRF_COOKIE = "lifecase_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_MAX_AGE = 24 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REFUSED = Localized(
    da="Formularen er udløbet eller blev sendt fra et andet websted. Genindlæs siden og prøv igen.",
    en="The form has expired or was sent from another site. Reload the page and try again.",
)


def csrf_token(request: Request) -> str:
    """This browser's token: the one its cookie holds, or a new one for this response."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        token = cookie if len(cookie) == 43 else secrets.token_urlsafe(32)
        request.state.csrf_token = token
    return token


def keep_csrf_cookie(request: Request, response: Response, *, secure: bool) -> None:
    """(Re)set the cookie, so it outlives the page by a day from the last page shown."""
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token(request),
        max_age=CSRF_MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


async def csrf_protect(request: Request) -> None:
    """FastAPI dependency of every page route: refuse a state-changing request whose token
    is missing or does not match the cookie's."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(CSRF_COOKIE)
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if given is None and content_type.startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Forbidden(REFUSED)
