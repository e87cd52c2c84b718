"""The server-rendered UI of a service: Jinja2 pages in the shared layout, in Danish or English.

A service describes its UI once (``WebUI``: where it lives, its name, its menu, its templates
and catalogues) and ``install`` gives its FastAPI app the static files, sign-in and sign-out,
friendly error pages and the security headers. Pages call ``ui.render``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal, TokenVerifier
from lifecase_platform.errors import DomainError
from lifecase_platform.problems import ERROR, TITLES
from lifecase_platform.webui.csrf import csrf_protect, csrf_token, keep_csrf_cookie
from lifecase_platform.webui.i18n import (
    BABEL_LOCALES,
    LANGUAGE_COOKIE,
    LANGUAGE_COOKIE_MAX_AGE,
    LANGUAGES,
    Language,
    language_of,
    load_translations,
    requested_language,
)
from lifecase_platform.webui.session import (
    SignInRequired,
    end_session,
    session_principal,
    sign_in_location,
)
from lifecase_platform.workdays import DANISH_TIME

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LOCALES = HERE / "locale"
HTMX = "vendor/htmx-2.0.11.min.js"

# No inline script or style anywhere, and nothing from another host: the pages work offline
# and an injected <script> has nowhere to run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


@dataclass(frozen=True)
class NavLink:
    """An entry of the main menu; ``path`` is relative to the UI's prefix, or absolute
    (``/admin/``) for a page another service serves in the same area. With ``roles``, only
    people who hold one of them see it."""

    path: str
    label: Localized
    roles: frozenset[str] = frozenset()

    def shown_to(self, user: Principal) -> bool:
        return not self.roles or bool(self.roles & set(user.roles))


@dataclass
class WebUI:
    """One service's pages: mounted at ``prefix`` (``/portal``), named ``title`` in the header."""

    prefix: str
    title: Localized
    template_dirs: Sequence[Path] = ()
    locale_dirs: Sequence[Path] = ()
    nav: Sequence[NavLink] = ()
    secure_cookies: bool = False
    environments: dict[Language, Environment] = field(init=False)

    def __post_init__(self) -> None:
        self.environments = {lang: self._environment(lang) for lang in LANGUAGES}

    def _environment(self, lang: Language) -> Environment:
        loader = ChoiceLoader([FileSystemLoader(d) for d in [*self.template_dirs, TEMPLATES]])
        env = Environment(
            loader=loader,
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        translations = load_translations(lang, [LOCALES, *self.locale_dirs])
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        locale = BABEL_LOCALES[lang]
        env.filters.update(
            date=lambda d, fmt="medium": _format_date(d, fmt, locale),
            datetime=lambda d, fmt="medium": _format_datetime(d, fmt, locale),
            number=lambda n: format_decimal(n, locale=locale),
            pick=lambda text: _pick(text, lang),
        )
        env.globals.update(lang=lang, ui=self, htmx=HTMX)
        return env

    def path(self, relative: str = "") -> str:
        """An absolute path inside this UI: ``ui.path("cases")`` is ``/portal/cases``."""
        return f"{self.prefix}/{relative.lstrip('/')}"

    def static(self, relative: str) -> str:
        return self.path(f"static/{relative}")

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """A page (or an htmx fragment) in the person's language. Pages show personal data,
        so no shared cache may keep them."""
        lang = language_of(request)
        user = getattr(request.state, "user", None) or session_principal(request)
        html = (
            self.environments[lang]
            .get_template(template)
            .render(request=request, user=user, csrf_token=csrf_token(request), **(context or {}))
        )
        response = HTMLResponse(
            html, status_code=status_code, headers={"Cache-Control": "no-store", **(headers or {})}
        )
        self.remember_language(request, response)
        keep_csrf_cookie(request, response, secure=self.secure_cookies)
        return response

    def remember_language(self, request: Request, response: Response) -> None:
        chosen = requested_language(request)
        if chosen is not None:
            response.set_cookie(
                LANGUAGE_COOKIE,
                chosen,
                max_age=LANGUAGE_COOKIE_MAX_AGE,
                path="/",
                httponly=True,
                samesite="lax",
                secure=self.secure_cookies,
            )

    def app(
        self,
        *,
        name: str,
        verifier: TokenVerifier,
        sign_in: SignInMethod,
        routers: Sequence[APIRouter],
        state: Mapping[str, object] | None = None,
    ) -> FastAPI:
        """These pages as an app of their own, to be mounted at ``prefix`` in the service's
        app: its errors are friendly pages, while the API beside it keeps answering
        problem+json. ``state`` is what its routes read from ``app.state`` besides the
        token verifier."""
        app = FastAPI(title=name, openapi_url=None, docs_url=None, redoc_url=None)
        app.state.verifier = verifier
        for key, value in (state or {}).items():
            setattr(app.state, key, value)
        self.install(app, sign_in=sign_in)
        for router in routers:
            app.include_router(router)
        return app

    def install(self, app: FastAPI, *, sign_in: SignInMethod) -> None:
        """Give ``app`` (mounted at ``prefix``) the shared layout's plumbing."""
        app.state.ui = self
        # Before any route exists: every page route added from here on checks the token.
        app.router.dependencies.append(Depends(csrf_protect))
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
        app.include_router(sign_in.router(self))

        @app.post("/sign-out", include_in_schema=False)
        async def sign_out(request: Request) -> Response:
            response = RedirectResponse(self.path(""), status_code=303)
            end_session(response, secure=self.secure_cookies)
            return response

        self._install_error_pages(app)
        app.add_middleware(SecurityHeaders)

    def _install_error_pages(self, app: FastAPI) -> None:
        async def on_sign_in_required(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, SignInRequired)
            location = sign_in_location(self.path("sign-in"), exc.next_path)
            if request.headers.get("hx-request"):
                return Response(status_code=204, headers={"HX-Redirect": location})
            return RedirectResponse(location, status_code=303)

        async def on_problem(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, DomainError)
            return self.error_page(request, exc.status, exc.text)

        async def on_http(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, StarletteHTTPException)
            return self.error_page(request, exc.status_code, None)

        async def on_validation(request: Request, exc: Exception) -> Response:
            return self.error_page(request, 400, None)

        async def on_unexpected(request: Request, exc: Exception) -> Response:
            log.error("unhandled error on a page", exc_info=exc, extra={"path": request.url.path})
            return self.error_page(request, 500, None)

        app.add_exception_handler(SignInRequired, on_sign_in_required)
        app.add_exception_handler(DomainError, on_problem)
        app.add_exception_handler(StarletteHTTPException, on_http)
        app.add_exception_handler(RequestValidationError, on_validation)
        app.add_exception_handler(Exception, on_unexpected)

    def error_page(self, request: Request, status: int, detail: Localized | None) -> HTMLResponse:
        """A friendly page for an error: what happened, in the person's language, and a way on.
        (The HTTP API keeps answering problem+json.)"""
        lang = language_of(request)
        return self.render(
            request,
            "webui/error.html",
            {
                "status": status,
                "title": TITLES.get(status, ERROR).pick(lang),
                "detail": detail.pick(lang) if detail else None,
            },
            status_code=status,
        )


class SignInMethod(Protocol):
    """How people sign in to a UI (a demo-user picker, or OIDC): the routes it adds under the
    UI's prefix, at least ``GET sign-in``."""

    def router(self, ui: WebUI) -> APIRouter: ...


class SecurityHeaders:
    """Security headers on every response, and no state-changing request from another site:
    refused when the browser says so (``Sec-Fetch-Site: cross-site``) or when its ``Origin``
    is not this site's, on top of the session cookie's ``SameSite=Lax``. (Browsers send
    ``Origin`` with every cross-origin POST, so a client that sends neither header is not a
    browser carrying someone's cookie.)"""

    HEADERS = (
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and _cross_site(scope, headers):
            await Response("Cross-site request refused.", status_code=403)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _cross_site(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    if headers.get(b"sec-fetch-site") == b"cross-site":
        return True
    origin = headers.get(b"origin")
    if origin is None:
        return False
    scheme: bytes = headers.get(b"x-forwarded-proto", str(scope.get("scheme", "http")).encode())
    host: bytes = headers.get(b"x-forwarded-host", headers.get(b"host", b""))
    return bool(origin.lower() != scheme.lower() + b"://" + host.lower())


def _pick(text: Localized | Mapping[str, str] | None, lang: Language) -> str:
    if text is None:
        return ""
    if isinstance(text, Localized):
        return str(text.pick(lang))
    return str(text.get(lang) or text.get("da") or text.get("en") or "")


def _format_date(value: date | str | None, fmt: str, locale: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, format=fmt, locale=locale)


def _format_datetime(value: datetime | None, fmt: str, locale: str) -> str:
    if value is None:
        return ""
    return format_datetime(value, format=fmt, locale=locale, tzinfo=DANISH_TIME)
