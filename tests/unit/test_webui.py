"""The shared web foundation as any service's UI gets it: sign-in with a session cookie, Danish
by default and English one click away, friendly error pages, and refusals of what other sites
or tampered links try."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

from lifecase_contracts.events import Localized
from lifecase_platform.auth import DevTokens, Principal
from lifecase_platform.errors import NotFound
from lifecase_platform.webui import NavLink, PageUser, WebUI
from lifecase_platform.webui.session import SESSION_COOKIE, safe_next
from lifecase_platform.webui.signin import DevSignIn

RITA = Principal(username="rita", name="Rita Reporter", roles=["reporter"], department="BUF")


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "page.html").write_text(
        '{% extends "webui/base.html" %}{% block title %}{{ _("Sign in") }}{% endblock %}'
        "{% block main %}<h1>{{ user.name }}</h1><p>{{ when|date }}</p>{% endblock %}"
    )
    tokens = DevTokens("a-test-secret-that-is-long-enough-0123456789")
    ui = WebUI(
        prefix="/ui",
        title=Localized(da="Prøve", en="Trial"),
        template_dirs=[tmp_path],
        nav=[NavLink("", Localized(da="Forside", en="Home"))],
    )
    inner = FastAPI()
    inner.state.verifier = tokens
    ui.install(inner, sign_in=DevSignIn(tokens, [RITA]))

    @inner.get("/")
    async def home(request: Request, user: PageUser) -> Response:
        return ui.render(request, "page.html", {"when": "2027-01-04"})

    @inner.get("/missing")
    async def missing(user: PageUser) -> Response:
        raise NotFound(Localized(da="tingen", en="thing"))

    app = FastAPI()
    app.mount("/ui", inner)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        yield client


TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def form_token(client: httpx.AsyncClient) -> str:
    """The CSRF token a form of the sign-in page carries, as a browser would send it."""
    page = await client.get("/ui/sign-in")
    match = TOKEN_FIELD.search(page.text)
    assert match, "the sign-in form carries no CSRF token"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    data = {"username": "rita", "csrf_token": await form_token(client), **fields}
    return await client.post("/ui/sign-in", data=data)


async def test_a_page_sends_a_stranger_to_sign_in_and_back(client: httpx.AsyncClient) -> None:
    first = await client.get("/ui/")
    assert first.status_code == 303
    assert first.headers["location"] == "/ui/sign-in?next=/ui/"
    picker = await client.get(first.headers["location"])
    assert "Log ind som Rita Reporter" in picker.text

    signed_in = await sign_in(client, next="/ui/")
    assert signed_in.headers["location"] == "/ui/"
    [cookie] = [c for c in signed_in.headers.get_list("set-cookie") if SESSION_COOKIE in c]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    page = await client.get("/ui/")
    assert "<h1>Rita Reporter</h1>" in page.text
    assert "Logget ind som" in page.text


async def test_danish_by_default_english_one_click_away_and_the_choice_is_remembered(
    client: httpx.AsyncClient,
) -> None:
    await sign_in(client)
    danish = await client.get("/ui/", headers={"Accept-Language": "en-US"})
    assert '<html lang="da">' in danish.text
    assert "4. jan. 2027" in danish.text
    assert 'href="?lang=en"' in danish.text

    english = await client.get("/ui/?lang=en")
    assert '<html lang="en">' in english.text
    assert "Signed in as" in english.text and "4 Jan 2027" in english.text
    assert "lifecase_lang=en" in english.headers["set-cookie"]
    assert '<html lang="en">' in (await client.get("/ui/")).text


async def test_errors_are_friendly_pages_in_the_persons_language(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    missing = await client.get("/ui/missing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Kunne ikke finde tingen." in missing.text
    assert "Gå til forsiden" in (await client.get("/ui/nowhere")).text


async def test_a_tampered_or_expired_session_means_signing_in_again(
    client: httpx.AsyncClient,
) -> None:
    client.cookies.set(SESSION_COOKIE, "not-a-token")
    response = await client.get("/ui/")
    assert response.status_code == 303
    htmx = await client.get(
        "/ui/",
        headers={"HX-Request": "true"},
    )
    assert htmx.headers["HX-Redirect"] == "/ui/sign-in?next=/ui/"


async def test_signing_out_ends_the_session(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    await client.post("/ui/sign-out", data={"csrf_token": await form_token(client)})
    assert (await client.get("/ui/")).status_code == 303


async def test_posts_from_other_sites_are_refused_and_pages_carry_security_headers(
    client: httpx.AsyncClient,
) -> None:
    token = await form_token(client)
    data = {"username": "rita", "csrf_token": token}
    refused = await client.post("/ui/sign-in", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    for origin in ("https://evil.example", "null", "http://testserver.evil.example"):
        foreign = await client.post("/ui/sign-in", data=data, headers={"Origin": origin})
        assert foreign.status_code == 403, origin
    own = await client.post("/ui/sign-in", data=data, headers={"Origin": str(client.base_url)})
    assert own.status_code == 303
    page = await client.get("/ui/sign-in")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x", None]
)
def test_sign_in_never_redirects_off_site(target: str | None) -> None:
    assert safe_next(target, "/ui/") == "/ui/"


async def test_unknown_demo_users_cannot_sign_in(client: httpx.AsyncClient) -> None:
    assert (await sign_in(client, username="mallory")).status_code == 404


async def test_a_post_without_this_browsers_csrf_token_is_refused(
    client: httpx.AsyncClient,
) -> None:
    """A forged form (no token, or a token that is not this browser's cookie's) changes
    nothing; the form's hidden field or htmx's header with the right token passes."""
    no_cookie_yet = await client.post("/ui/sign-in", data={"username": "rita"})
    assert no_cookie_yet.status_code == 403
    assert "Formularen er udløbet" in no_cookie_yet.text
    token = await form_token(client)
    for forged in ({"username": "rita"}, {"username": "rita", "csrf_token": "x" * 43}):
        refused = await client.post("/ui/sign-in", data=forged)
        assert refused.status_code == 403, forged
        assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    by_header = await client.post(
        "/ui/sign-in", data={"username": "rita"}, headers={"X-CSRF-Token": token}
    )
    assert by_header.status_code == 303
    cookie = [c for c in (await client.get("/ui/")).headers.get_list("set-cookie")]
    assert any("lifecase_csrf=" in c and "SameSite=strict" in c and "HttpOnly" in c for c in cookie)
