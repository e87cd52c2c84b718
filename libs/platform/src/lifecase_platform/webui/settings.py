"""Settings of a service that serves web pages, on top of ``PlatformSettings``."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from lifecase_platform.settings import PlatformSettings


class WebSettings(PlatformSettings):
    """With ``auth_mode=oidc`` the pages sign people in at the OIDC provider (authorization
    code + PKCE) as the client ``oidc_client_id``; the session then holds the token the API
    accepts: the access token, or the ID token where the API's audience is the client itself."""

    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile email"
    oidc_session_token: Literal["access_token", "id_token"] = "access_token"

    @model_validator(mode="after")
    def _oidc_pages_need_a_client(self) -> WebSettings:
        if self.auth_mode == "oidc" and not self.oidc_client_id:
            raise ValueError("web pages with oidc need LIFECASE_OIDC_CLIENT_ID")
        return self
