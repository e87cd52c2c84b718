"""Settings refuse the dev shortcuts in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lifecase_platform.settings import PlatformSettings


def test_production_refuses_dev_tokens() -> None:
    with pytest.raises(ValidationError, match="production requires LIFECASE_AUTH_MODE=oidc"):
        PlatformSettings(environment="production", auth_mode="dev")


def test_production_with_oidc_needs_its_provider() -> None:
    with pytest.raises(ValidationError, match="oidc needs"):
        PlatformSettings(environment="production", auth_mode="oidc")
    PlatformSettings(
        environment="production",
        auth_mode="oidc",
        oidc_issuer="https://idp",
        oidc_audience="lifecase",
        oidc_jwks_url="https://idp/jwks",
    )


def test_a_short_dev_secret_is_refused() -> None:
    with pytest.raises(ValidationError):
        PlatformSettings(dev_token_secret="short")


def test_the_placeholder_dev_secret_is_refused_outside_dev() -> None:
    PlatformSettings(environment="dev")
    with pytest.raises(ValidationError, match="LIFECASE_DEV_TOKEN_SECRET"):
        PlatformSettings(environment="test")


def test_production_refuses_sqlite() -> None:
    from lifecase_intake.settings import IntakeSettings

    with pytest.raises(ValidationError, match="PostgreSQL"):
        IntakeSettings(
            environment="production",
            auth_mode="oidc",
            oidc_issuer="https://idp",
            oidc_audience="lifecase",
            oidc_jwks_url="https://idp/jwks",
        )
