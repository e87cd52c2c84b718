"""Settings shared by every service, read from ``LIFECASE_*`` environment variables."""

from __future__ import annotations

from typing import Literal

from limits import parse
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    """What every service needs to reach the engines and to know who is asking.

    Fails closed: without configuration a service is in production, which demands OIDC and
    PostgreSQL; dev tokens need a secret of the operator's own (``lifecase run`` makes one per
    state directory), there is no built-in one to forget to change."""

    model_config = SettingsConfigDict(env_prefix="LIFECASE_", extra="ignore")

    environment: Literal["dev", "test", "production"] = "production"
    nats_url: str = "nats://127.0.0.1:4222"
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"

    auth_mode: Literal["dev", "oidc"] = "dev"
    dev_token_secret: str | None = Field(default=None, min_length=32)
    # Tokens must expire, and no sooner than this after now: a leaked token is worth hours.
    max_token_lifetime_seconds: int = Field(default=12 * 3600, ge=60, le=7 * 24 * 3600)
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None

    telemetry_exporter: Literal["none", "console", "otlp"] = "none"
    otlp_endpoint: str | None = None
    # Prometheus metrics at /metrics (docs/metrics.md): off entirely, or only with this
    # bearer token; open by default, for a scraper on the internal network.
    metrics_enabled: bool = True
    metrics_token: SecretStr | None = None

    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0)
    consumer_max_deliver: int = Field(default=5, ge=1)
    # Seconds a consumer whose readers can wait lets events gather between batches
    # (``messaging._PullConsumer.linger``); services on a case's path keep 0.
    consumer_linger_seconds: float = Field(default=0.0, ge=0, le=10)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    # How long the event stream keeps events (they carry the personal data units need).
    event_retention_days: float = Field(default=30, gt=0, le=3650)
    # Copies of the event stream a JetStream cluster keeps (3 on a three-node cluster: one
    # node may leave without losing or stopping anything); 1 on a single server.
    nats_stream_replicas: int = Field(default=1, ge=1, le=5)
    # How long a closed case keeps its personal data (then every service erases it), how
    # long the access log keeps its lines, and how often the retention job looks.
    case_retention_days: float = Field(default=5 * 365, ge=0, le=36500)
    access_log_retention_days: float = Field(default=5 * 365, ge=1, le=36500)
    retention_check_seconds: float = Field(default=3600, gt=0)
    # Requests per user and endpoint class in a moving window ("N/second|minute|hour|day"),
    # and where the counters live (memory:// per process; redis://… across replicas).
    rate_limit_filing: str = "120/minute"
    rate_limit_search: str = "600/minute"
    rate_limit_admin: str = "300/minute"
    rate_limit_storage: str = "memory://"
    # Encryption in transit and credentials for the engines (lifecase_platform.transport);
    # production refuses to start without TLS to both.
    nats_tls_ca_file: str | None = None  # trust anchor for the NATS server's certificate
    nats_tls_cert_file: str | None = None  # client certificate and key (mutual TLS)
    nats_tls_key_file: str | None = None
    nats_user: str | None = None
    nats_password: SecretStr | None = None
    temporal_tls: bool = False  # TLS to Temporal with the system's trust store
    temporal_tls_ca_file: str | None = None
    temporal_tls_cert_file: str | None = None  # client certificate and key (mutual TLS)
    temporal_tls_key_file: str | None = None
    temporal_api_key: SecretStr | None = None
    # Files attached to the reporter's messages (ADR 0029): the most one file may hold, how
    # many one message may carry, and the virus-scan command that sees each file on stdin
    # (exit 0 lets it in; e.g. "clamdscan --no-summary -"), with its time limit.
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0, le=100 * 1024 * 1024)
    attachment_max_files: int = Field(default=5, ge=1, le=20)
    attachment_scan_command: str | None = None
    attachment_scan_timeout_seconds: float = Field(default=30.0, gt=0, le=600)

    @property
    def message_body_bytes(self) -> int:
        """The body a message with attachments may have: every file at its limit, and room
        for the text and the multipart framing."""
        return self.attachment_max_files * self.attachment_max_bytes + 64 * 1024

    @field_validator("rate_limit_filing", "rate_limit_search", "rate_limit_admin")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        parse(value)  # "10/minute", "5 per second"; anything else stops the service at start
        return value

    @model_validator(mode="after")
    def _refuse_dev_shortcuts_in_production(self) -> PlatformSettings:
        if self.environment == "production":
            if self.auth_mode != "oidc":
                raise ValueError("production requires LIFECASE_AUTH_MODE=oidc")
            if not (self.oidc_issuer and self.oidc_audience and self.oidc_jwks_url):
                raise ValueError("oidc needs LIFECASE_OIDC_ISSUER, _AUDIENCE and _JWKS_URL")
            if str(getattr(self, "database_url", "")).startswith("sqlite"):
                raise ValueError("production needs a PostgreSQL database URL, not SQLite")
            if not (self.nats_url.startswith("tls://") or self.nats_tls_ca_file):
                raise ValueError("production needs TLS to NATS (tls:// or LIFECASE_NATS_TLS_*)")
            if not (self.temporal_tls or self.temporal_tls_ca_file or self.temporal_api_key):
                raise ValueError("production needs TLS to Temporal (LIFECASE_TEMPORAL_TLS*)")
        elif self.auth_mode == "dev" and not self.dev_token_secret:
            raise ValueError("dev tokens need LIFECASE_DEV_TOKEN_SECRET (32 or more characters)")
        return self
