"""Settings refuse the dev shortcuts in production."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lifecase_platform.settings import PlatformSettings


def test_production_refuses_dev_tokens() -> None:
    with pytest.raises(ValidationError, match="production requires LIFECASE_AUTH_MODE=oidc"):
        PlatformSettings(environment="production", auth_mode="dev")


def test_production_with_oidc_needs_its_provider() -> None:
    with pytest.raises(ValidationError, match="oidc needs"):
        PlatformSettings(environment="production", auth_mode="oidc")
    PlatformSettings(**PRODUCTION)


PRODUCTION: dict[str, Any] = {
    "environment": "production",
    "auth_mode": "oidc",
    "oidc_issuer": "https://idp",
    "oidc_audience": "lifecase",
    "oidc_jwks_url": "https://idp/jwks",
    "nats_url": "tls://nats.internal:4222",
    "temporal_tls": True,
}


@pytest.mark.parametrize(
    ("plain", "message"),
    [
        ({"nats_url": "nats://nats.internal:4222"}, "TLS to NATS"),
        ({"temporal_tls": False}, "TLS to Temporal"),
    ],
)
def test_production_refuses_engines_without_tls(plain: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PlatformSettings(**{**PRODUCTION, **plain})
    with_ca = {"nats_tls_ca_file": "/etc/lifecase/nats-ca.pem", "temporal_api_key": "k"}
    PlatformSettings(**{**PRODUCTION, **plain, **with_ca})


def test_a_short_dev_secret_is_refused() -> None:
    with pytest.raises(ValidationError):
        PlatformSettings(environment="dev", dev_token_secret="short")


def test_unconfigured_settings_fail_closed_as_production() -> None:
    with pytest.raises(ValidationError, match="production requires LIFECASE_AUTH_MODE=oidc"):
        PlatformSettings()


@pytest.mark.parametrize("environment", ["dev", "test"])
def test_dev_tokens_need_a_secret_of_the_operators_own(environment: str) -> None:
    with pytest.raises(ValidationError, match="LIFECASE_DEV_TOKEN_SECRET"):
        PlatformSettings(environment=environment)
    PlatformSettings(environment=environment, dev_token_secret="x" * 32)


def test_production_refuses_sqlite() -> None:
    from lifecase_intake.settings import IntakeSettings

    with pytest.raises(ValidationError, match="PostgreSQL"):
        IntakeSettings(**PRODUCTION)


def _token(secret: str, **claims: object) -> str:
    import jwt

    from lifecase_platform.auth import DEV_AUDIENCE, DEV_ISSUER

    base: dict[str, object] = {"iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "sub": "rita"}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, secret, "HS256")


def test_tokens_must_expire_and_not_too_late() -> None:
    from datetime import UTC, datetime, timedelta

    from lifecase_platform.auth import DevTokens, InvalidToken, Principal

    secret = "s" * 32
    tokens = DevTokens(secret, max_lifetime=timedelta(hours=12))
    now = datetime.now(UTC)
    assert tokens.verify(tokens.issue(Principal(username="rita"))).username == "rita"
    for claims in [
        {"iat": now},  # no exp
        {"iat": now, "exp": now + timedelta(days=365 * 75)},
        {"exp": now + timedelta(hours=1)},  # no iat
        {"iat": now, "exp": now - timedelta(minutes=1)},
    ]:
        with pytest.raises(InvalidToken):
            tokens.verify(_token(secret, **claims))
