"""Who is asking: bearer JWTs, verified against a dev secret (embedded mode) or an OIDC
provider's JWKS (production). Roles: reporter, caseworker, unit_lead, admin, robot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import jwt
from fastapi import Depends, Request
from jwt.types import Options
from pydantic import BaseModel, ValidationError

from lifecase_contracts.events import Localized
from lifecase_platform.problems import ProblemError
from lifecase_platform.settings import PlatformSettings

if TYPE_CHECKING:
    from lifecase_platform.revocations import RevocationCheck

DEV_ISSUER = "lifecase-dev"
DEV_AUDIENCE = "lifecase"


class Principal(BaseModel):
    username: str
    name: str = ""
    roles: list[str] = []
    department: str | None = None
    issued_at: int | None = None  # the token's ``iat``: a revocation refuses older tokens
    email: str | None = None  # where e-mail notifications go (the ``email`` claim)
    locale: str | None = None  # the language the person prefers (the ``locale`` claim)

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal: ...


class InvalidToken(Exception):
    pass


def _principal(claims: dict[str, object]) -> Principal:
    """The caller's identity from verified claims; malformed claims make the token invalid."""
    try:
        return Principal.model_validate(
            {
                "username": claims.get("preferred_username") or claims["sub"],
                "name": claims.get("name") or "",
                "roles": claims.get("roles") or [],
                "department": claims.get("department"),
                "email": claims.get("email") or None,
                "locale": claims.get("locale") or None,
                "issued_at": int(float(str(claims["iat"]))) if "iat" in claims else None,
            }
        )
    except (KeyError, ValidationError) as error:
        raise InvalidToken("token lacks identity claims") from error


def _check_lifetime(claims: dict[str, Any], max_lifetime: timedelta) -> None:
    """Refuse tokens that would stay valid longer than ``max_lifetime`` from now (``exp`` is
    required by the decoder, so every accepted token expires)."""
    expires = datetime.fromtimestamp(float(claims["exp"]), UTC)
    if expires - datetime.now(UTC) > max_lifetime:
        raise InvalidToken("token lives longer than allowed")


REQUIRED_CLAIMS: Options = {"require": ["exp", "iat", "sub"]}
DEFAULT_MAX_LIFETIME = timedelta(hours=12)


class DevTokens:
    """HS256 tokens signed with a local secret: the embedded mode's identity provider."""

    def __init__(self, secret: str, *, max_lifetime: timedelta = DEFAULT_MAX_LIFETIME) -> None:
        self.secret = secret
        self.max_lifetime = max_lifetime

    def issue(self, principal: Principal, ttl: timedelta = timedelta(hours=8)) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": DEV_ISSUER,
            "aud": DEV_AUDIENCE,
            "sub": principal.username,
            "preferred_username": principal.username,
            "name": principal.name,
            "roles": principal.roles,
            "department": principal.department,
            "email": principal.email,
            "locale": principal.locale,
            "iat": now,
            "exp": now + ttl,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                audience=DEV_AUDIENCE,
                issuer=DEV_ISSUER,
                options=REQUIRED_CLAIMS,
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        _check_lifetime(claims, self.max_lifetime)
        return _principal(claims)


class OidcTokens:
    """Tokens from the municipality's OIDC provider, checked against its JWKS."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str,
        max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.max_lifetime = max_lifetime
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True)

    def _signing_key(self, token: str) -> jwt.PyJWK:
        # RFC 7517 makes "kid" optional: a provider with a single key may leave it out, and
        # PyJWKClient ignores keys without one.
        if jwt.get_unverified_header(token).get("kid") is None:
            keys = self.jwks.get_jwk_set().keys
            if len(keys) == 1:
                return keys[0]
        return self.jwks.get_signing_key_from_jwt(token)

    def verify(self, token: str) -> Principal:
        try:
            key = self._signing_key(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "ES256"],
                audience=self.audience,
                issuer=self.issuer,
                options=REQUIRED_CLAIMS,
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        _check_lifetime(claims, self.max_lifetime)
        return _principal(claims)


def build_verifier(settings: PlatformSettings) -> RevocationCheck:
    """The service's token verifier: the identity provider's signature and lifetime rules,
    then the revocations (``lifecase_platform.revocations``; kept current once the service
    connects to NATS)."""
    from lifecase_platform.revocations import RevocationCheck, Revocations

    max_lifetime = timedelta(seconds=settings.max_token_lifetime_seconds)
    inner: TokenVerifier
    if settings.auth_mode == "oidc":
        assert settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url
        inner = OidcTokens(
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            jwks_url=settings.oidc_jwks_url,
            max_lifetime=max_lifetime,
        )
    else:
        assert settings.dev_token_secret, "settings refuse dev auth without a secret"
        inner = DevTokens(settings.dev_token_secret, max_lifetime=max_lifetime)
    return RevocationCheck(inner, Revocations())


def _unauthorized(detail: Localized) -> ProblemError:
    return ProblemError(
        401,
        detail,
        type="urn:lifecase:problem:unauthenticated",
        headers={"WWW-Authenticate": 'Bearer realm="lifecase"'},
    )


def bearer_token(request: Request) -> str:
    """The request's bearer token (unverified: ``current_principal`` verifies it), to pass
    on when a service asks another on the caller's behalf."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized(
            Localized(da="Der kræves et bearer-token.", en="A bearer token is required.")
        )
    return token.strip()


def current_principal(request: Request) -> Principal:
    token = bearer_token(request)
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return verifier.verify(token)
    except InvalidToken as error:
        raise _unauthorized(
            Localized(da="Tokenet er ikke gyldigt.", en="The token is not valid.")
        ) from error


CurrentUser = Annotated[Principal, Depends(current_principal)]
