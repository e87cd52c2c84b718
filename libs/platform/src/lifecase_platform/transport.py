"""How a service reaches its engines securely: TLS (optionally mutual) and credentials for
NATS, TLS or an API key for Temporal, all from settings. Without them (the embedded mode and
the tests, on 127.0.0.1) the connections are plain; production refuses that (settings)."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from temporalio.service import TLSConfig

from lifecase_platform.settings import PlatformSettings


def nats_options(settings: PlatformSettings) -> dict[str, Any]:
    """Keyword arguments for ``nats.connect``: a TLS context and user credentials, if set."""
    options: dict[str, Any] = {}
    if settings.nats_tls_ca_file or settings.nats_url.startswith("tls://"):
        context = ssl.create_default_context(cafile=settings.nats_tls_ca_file)
        if settings.nats_tls_cert_file:
            context.load_cert_chain(settings.nats_tls_cert_file, settings.nats_tls_key_file)
        options["tls"] = context
    if settings.nats_user:
        options["user"] = settings.nats_user
        options["password"] = (
            settings.nats_password.get_secret_value() if settings.nats_password else None
        )
    return options


def temporal_options(settings: PlatformSettings) -> dict[str, Any]:
    """Keyword arguments for ``temporalio.client.Client.connect``: TLS and an API key."""
    options: dict[str, Any] = {}
    if settings.temporal_tls or settings.temporal_tls_ca_file or settings.temporal_tls_cert_file:
        options["tls"] = TLSConfig(
            server_root_ca_cert=_read(settings.temporal_tls_ca_file),
            client_cert=_read(settings.temporal_tls_cert_file),
            client_private_key=_read(settings.temporal_tls_key_file),
        )
    if settings.temporal_api_key:
        options["api_key"] = settings.temporal_api_key.get_secret_value()
        options.setdefault("tls", True)
    return options


def _read(path: str | None) -> bytes | None:
    return Path(path).read_bytes() if path else None
