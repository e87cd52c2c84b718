"""Signing in at the municipality's OpenID Connect provider: the authorization code flow with
PKCE (S256), state and nonce. The request is built with Authlib's RFC 6749 and RFC 7636
helpers and the code exchanged over httpx; the provider is found by discovery from the issuer.
The session cookie then holds the token the service's own verifier accepts (the access token,
or the ID token where the API's audience is this client), so pages and the API agree on who
is asking. Signing out ends the lifecase session, not the provider's."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from typing import Any

import httpx
import jwt
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lifecase_contracts.events import Localized
from lifecase_platform.auth import InvalidToken, TokenVerifier
from lifecase_platform.webui.session import safe_next, start_session
from lifecase_platform.webui.settings import WebSettings
from lifecase_platform.webui.templating import WebUI

log = logging.getLogger(__name__)

FLOW_COOKIE = "lifecase_oidc_flow"
FLOW_MAX_AGE = 600  # seconds a person may spend at the provider's login page
SIGN_IN_FAILED = Localized(
    da="Login lykkedes ikke. Prøv igen.", en="Signing in did not succeed. Please try again."
)


class OidcSignIn:
    """``GET sign-in`` sends the person to the provider; ``GET sign-in/callback`` takes them
    back, exchanges the code (with the PKCE verifier) and starts the session."""

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        scopes: str,
        session_token: str = "access_token",
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.session_token = session_token
        self._metadata: dict[str, Any] | None = None

    @classmethod
    def from_settings(cls, settings: WebSettings) -> OidcSignIn:
        assert settings.oidc_issuer and settings.oidc_client_id
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            scopes=settings.oidc_scopes,
            session_token=settings.oidc_session_token,
        )

    async def metadata(self) -> dict[str, Any]:
        """The provider's endpoints, from its discovery document (fetched once)."""
        if self._metadata is None:
            async with httpx.AsyncClient(timeout=10) as http:
                response = await http.get(f"{self.issuer}/.well-known/openid-configuration")
                response.raise_for_status()
                self._metadata = dict(response.json())
        return self._metadata

    def router(self, ui: WebUI) -> APIRouter:
        router = APIRouter(include_in_schema=False)

        @router.get("/sign-in")
        async def sign_in(request: Request, next: str | None = None) -> Response:
            flow = {
                "state": secrets.token_urlsafe(24),
                "verifier": secrets.token_urlsafe(48),
                "nonce": secrets.token_urlsafe(24),
                "next": safe_next(next, ui.path("")),
            }
            url = prepare_grant_uri(
                (await self.metadata())["authorization_endpoint"],
                client_id=self.client_id,
                response_type="code",
                redirect_uri=str(request.url_for("oidc_callback")),
                scope=self.scopes,
                state=flow["state"],
                nonce=flow["nonce"],
                code_challenge=create_s256_code_challenge(flow["verifier"]),
                code_challenge_method="S256",
            )
            response = RedirectResponse(url, status_code=303)
            response.set_cookie(
                FLOW_COOKIE,
                base64.urlsafe_b64encode(json.dumps(flow).encode()).decode(),
                max_age=FLOW_MAX_AGE,
                path=ui.path("sign-in"),
                httponly=True,
                samesite="lax",
                secure=ui.secure_cookies,
            )
            return response

        @router.get("/sign-in/callback", name="oidc_callback")
        async def callback(request: Request) -> Response:
            flow = _read_flow(request.cookies.get(FLOW_COOKIE))
            state = request.query_params.get("state", "")
            code = request.query_params.get("code")
            if flow is None or not code or not secrets.compare_digest(state, flow["state"]):
                return ui.error_page(request, 401, SIGN_IN_FAILED)
            token = await self._exchange(request, code, flow)
            verifier: TokenVerifier = request.app.state.verifier
            try:
                if token is None:
                    raise InvalidToken("no token")
                verifier.verify(token)
            except InvalidToken:
                log.warning("oidc sign-in refused a token")
                return ui.error_page(request, 401, SIGN_IN_FAILED)
            response = RedirectResponse(safe_next(flow["next"], ui.path("")), status_code=303)
            start_session(response, token, secure=ui.secure_cookies)
            response.delete_cookie(FLOW_COOKIE, path=ui.path("sign-in"))
            return response

        return router

    async def _exchange(self, request: Request, code: str, flow: dict[str, str]) -> str | None:
        """The session's token for ``code``, or None if the provider refuses it or the ID
        token was not issued for this very sign-in (nonce)."""
        endpoint = (await self.metadata())["token_endpoint"]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": str(request.url_for("oidc_callback")),
            "code_verifier": flow["verifier"],
            "client_id": self.client_id,
        }
        # A confidential client authenticates (client_secret_basic); a public one has PKCE only.
        auth: httpx.Auth = (
            httpx.BasicAuth(self.client_id, self.client_secret)
            if self.client_secret
            else httpx.Auth()  # the base class adds nothing to the request
        )
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                response = await http.post(endpoint, data=form, auth=auth)
            response.raise_for_status()
            tokens: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            log.warning("oidc token exchange failed", extra={"error": type(error).__name__})
            return None
        id_token = tokens.get("id_token")
        if not id_token or not _nonce_matches(id_token, flow["nonce"]):
            return None
        chosen = tokens.get(self.session_token)
        return str(chosen) if chosen else None


def _nonce_matches(id_token: str, nonce: str) -> bool:
    # The ID token came straight from the token endpoint, so its signature is not what makes
    # it trustworthy here (OIDC Core 3.1.3.7); the session token is verified in full anyway.
    claims = jwt.decode(id_token, options={"verify_signature": False})
    return secrets.compare_digest(str(claims.get("nonce", "")), nonce)


def _read_flow(cookie: str | None) -> dict[str, str] | None:
    if not cookie:
        return None
    try:
        flow = json.loads(base64.urlsafe_b64decode(cookie.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    keys = {"state", "verifier", "nonce", "next"}
    if (
        not isinstance(flow, dict)
        or set(flow) != keys
        or not all(isinstance(v, str) for v in flow.values())
    ):
        return None
    return flow
