"""Encryption in transit: a service reaches a nats-server that demands TLS and a password
with the settings production uses; a plain connection or a wrong password is refused. (The
Temporal dev server speaks no TLS; the options a service builds for a Temporal cluster are
checked here without one.)"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import nats
import pytest
from temporalio.service import TLSConfig

from lifecase_contracts.events import STREAM_NAME
from lifecase_embedded.engines import nats_server
from lifecase_embedded.pki import write_pki
from lifecase_platform import messaging
from lifecase_platform.settings import PlatformSettings
from lifecase_platform.transport import nats_options, temporal_options

pytestmark = pytest.mark.integration

PASSWORD = "a-nats-password-for-this-test"


def _write_pki(directory: Path) -> dict[str, Path]:
    write_pki(directory, {"server": ["127.0.0.1"]})
    return {
        "ca": directory / "ca.pem",
        "cert": directory / "server.pem",
        "key": directory / "server.key",
    }


def _settings(url: str, **overrides: Any) -> PlatformSettings:
    return PlatformSettings(
        environment="test", dev_token_secret="x" * 32, nats_url=url, **overrides
    )


async def test_a_service_reaches_nats_over_tls_with_its_password_and_nothing_else_does(
    tmp_path: Path,
) -> None:
    pki = _write_pki(tmp_path)
    secured = ["--tls", "--tlscert", str(pki["cert"]), "--tlskey", str(pki["key"])]
    secured += ["--user", "lifecase", "--pass", PASSWORD]
    async with nats_server(tmp_path / "nats", extra_args=secured) as url:
        settings = _settings(
            url, nats_tls_ca_file=str(pki["ca"]), nats_user="lifecase", nats_password=PASSWORD
        )
        connection = await messaging.connect(url, name="test", **nats_options(settings))
        try:
            js = connection.jetstream()
            await messaging.ensure_stream(js, max_age_seconds=30 * 86_400)
            ack = await js.publish("lifecase.test", b"{}")
            assert ack.stream == STREAM_NAME
        finally:
            await connection.close()

        refusals: list[dict[str, Any]] = [
            {},  # plain: the server demands TLS
            {"tls": nats_options(settings)["tls"], "user": "lifecase", "password": "wrong"},
            # the system's trust store does not know the test CA
            {"tls": ssl.create_default_context(), "user": "lifecase", "password": PASSWORD},
        ]
        for options in refusals:
            with pytest.raises(Exception):  # noqa: B017 - nats-py raises several kinds here
                await nats.connect(
                    url,
                    allow_reconnect=False,
                    connect_timeout=3,
                    max_reconnect_attempts=0,
                    **options,
                )


def test_temporal_options_carry_tls_and_the_api_key(tmp_path: Path) -> None:
    pki = _write_pki(tmp_path)
    plain = temporal_options(_settings("nats://x"))
    assert plain == {}
    mutual = temporal_options(
        _settings(
            "nats://x",
            temporal_tls_ca_file=str(pki["ca"]),
            temporal_tls_cert_file=str(pki["cert"]),
            temporal_tls_key_file=str(pki["key"]),
        )
    )
    assert isinstance(mutual["tls"], TLSConfig)
    assert mutual["tls"].server_root_ca_cert == pki["ca"].read_bytes()
    assert mutual["tls"].client_private_key == pki["key"].read_bytes()
    cloud = temporal_options(_settings("nats://x", temporal_api_key="an-api-key"))
    assert cloud == {"api_key": "an-api-key", "tls": True}
