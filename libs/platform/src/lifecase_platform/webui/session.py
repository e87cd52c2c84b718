"""Who is looking at a page: a session cookie that holds the person's bearer token.

The cookie carries the very token the HTTP API accepts (a dev JWT in the embedded mode, the
identity provider's access token in production) and is verified on every request by the
service's own ``TokenVerifier``, so a page and an API call see the same ``Principal``. It is
``HttpOnly`` (no script can read it) and ``SameSite=Lax`` (other sites cannot post with it).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from lifecase_platform.auth import InvalidToken, Principal, TokenVerifier

SESSION_COOKIE = "lifecase_session"
SESSION_MAX_AGE = 8 * 3600


class SignInRequired(Exception):
    """The page needs a signed-in person; the UI answers with a redirect to its sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign-in required")
        self.next_path = next_path


def session_principal(request: Request) -> Principal | None:
    """The signed-in person, or None when there is no valid session cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return verifier.verify(token)
    except InvalidToken:
        return None


def page_user(request: Request) -> Principal:
    """FastAPI dependency of every page that needs a signed-in person."""
    principal = session_principal(request)
    if principal is None:
        raise SignInRequired(request.url.path)
    request.state.user = principal
    return principal


PageUser = Annotated[Principal, Depends(page_user)]


def session_token(request: Request) -> str | None:
    """The raw token of the session, for a page that calls another service's API."""
    return request.cookies.get(SESSION_COOKIE)


def start_session(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def end_session(response: Response, *, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)


def safe_next(candidate: str | None, default: str) -> str:
    """A local path to return to after signing in; anything else (another host, a scheme,
    ``//evil``) falls back to ``default``, so the sign-in page is no open redirect."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or "\\" in candidate:
        return default
    return candidate


def sign_in_location(sign_in_path: str, next_path: str) -> str:
    return f"{sign_in_path}?next={quote(next_path, safe='/')}"
