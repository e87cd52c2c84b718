"""Signing in to a web UI through an OpenID Connect provider (authorization code + PKCE), as
production does: a real provider (``oidc-provider-mock``) on a free port in a thread."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

from lifecase_contracts.events import Localized
from lifecase_platform.auth import OidcTokens
from lifecase_platform.webui import PageUser, WebUI
from lifecase_platform.webui.oidc import OidcSignIn
from lifecase_platform.webui.session import SESSION_COOKIE

pytestmark = [
    pytest.mark.integration,
    # The provider runs in this process, on an Authlib API that Authlib itself deprecates.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

CLIENT_ID = "lifecase-portal"
RITA = {
    "preferred_username": "rita",
    "name": "Rita Reporter",
    "roles": ["reporter"],
    "department": "Børne- og Ungeforvaltningen",
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    # Imported here, where this module's warning filter applies: the mock warns on import.
    from oidc_provider_mock import User, run_server_in_thread

    with run_server_in_thread(user_claims=[User(sub="rita", claims=RITA)]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
async def portal(issuer: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "who.html").write_text(
        '{% extends "webui/base.html" %}{% block main %}<h1>{{ user.name }}</h1>'
        "<p>{{ user.department }}</p>{% endblock %}"
    )
    ui = WebUI(prefix="/ui", title=Localized(da="Prøve", en="Trial"), template_dirs=[tmp_path])
    inner = FastAPI()
    inner.state.verifier = OidcTokens(issuer=issuer, audience=CLIENT_ID, jwks_url=f"{issuer}/jwks")
    sign_in = OidcSignIn(
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret="portal-secret",
        scopes="openid profile",
        session_token="id_token",
    )
    ui.install(inner, sign_in=sign_in)

    @inner.get("/")
    async def who(request: Request, user: PageUser) -> Response:
        return ui.render(request, "who.html")

    app = FastAPI()
    app.mount("/ui", inner)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        yield client


async def _authorize_at_provider(location: str, sub: str) -> str:
    """What the person does at the provider's login page; returns where it sends them back."""
    async with httpx.AsyncClient() as provider:
        answer = await provider.post(location, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


async def test_a_person_signs_in_at_the_provider_with_pkce_and_lands_where_they_were_going(
    portal: httpx.AsyncClient, issuer: str
) -> None:
    start = await portal.get("/ui/")
    assert start.headers["location"] == "/ui/sign-in?next=/ui/"
    to_provider = await portal.get(start.headers["location"])
    assert to_provider.status_code == 303
    location = to_provider.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{issuer}/oauth2/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["redirect_uri"] == ["http://portal.test/ui/sign-in/callback"]
    assert query["state"] and query["nonce"]

    back = await _authorize_at_provider(location, "rita")
    landed = await portal.get(back.removeprefix("http://portal.test"))
    assert landed.status_code == 303
    assert landed.headers["location"] == "/ui/"
    assert portal.cookies.get(SESSION_COOKIE)

    page = await portal.get("/ui/")
    assert "<h1>Rita Reporter</h1>" in page.text
    assert "Børne- og Ungeforvaltningen" in page.text


async def test_a_callback_that_does_not_belong_to_this_browsers_sign_in_is_refused(
    portal: httpx.AsyncClient,
) -> None:
    to_provider = await portal.get("/ui/sign-in")
    back = await _authorize_at_provider(to_provider.headers["location"], "rita")
    forged = back.removeprefix("http://portal.test").replace("state=", "state=forged")
    refused = await portal.get(forged)
    assert refused.status_code == 401
    assert "Login lykkedes ikke." in refused.text
    assert not portal.cookies.get(SESSION_COOKIE)

    portal.cookies.clear()  # a callback without the flow cookie (another browser)
    assert (await portal.get(back.removeprefix("http://portal.test"))).status_code == 401
