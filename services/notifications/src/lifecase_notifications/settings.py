from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from lifecase_platform.webui.settings import WebSettings


class NotificationsSettings(WebSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/notifications.db",
        validation_alias="LIFECASE_NOTIFICATIONS_DATABASE_URL",
    )
    # An inbox, a mail or a webhook can come half a second later: the consumers then read
    # the stream in larger batches, beside the case's path rather than on it (issue 9).
    consumer_linger_seconds: float = Field(default=0.5, ge=0, le=10)
    # Webhooks (lifecase_notifications.webhooks): each request's timeout, the backoff between
    # attempts (base * 2**(n-1), capped), attempts per delivery, failed deliveries in a row
    # before a subscription is paused, and who is told when one is.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_retry_base_seconds: float = Field(default=30.0, gt=0)
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_pause_after_failures: int = Field(default=5, ge=1)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    webhook_admins: list[str] = Field(default_factory=lambda: ["ada"])
    # E-mail (lifecase_notifications.email): off without an SMTP host. TLS is "starttls"
    # (submission, 587), "tls" (implicit, 465) or "none" (a local relay). Links in mails
    # start with public_url. A failed mail is tried again after email_retry_seconds,
    # doubling, email_max_attempts times; daily digests go at email_digest_hour, Danish time.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_tls: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    email_sender: str = "lifecase <noreply@lifecase.invalid>"
    public_url: str = "http://127.0.0.1:8000"
    email_poll_seconds: float = Field(default=2.0, gt=0)
    email_retry_seconds: float = Field(default=30.0, gt=0)
    email_max_attempts: int = Field(default=8, ge=1, le=50)
    email_digest_hour: int = Field(default=7, ge=0, le=23)

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)
