from __future__ import annotations

from pydantic import Field

from lifecase_platform.webui.settings import WebSettings


class RoutingSettings(WebSettings):
    """Routing serves the caseworker workspace's pages too, hence the web settings."""

    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/routing.db",
        validation_alias="LIFECASE_ROUTING_DATABASE_URL",
    )
    sla_check_seconds: float = Field(
        default=60.0, gt=0, validation_alias="LIFECASE_ROUTING_SLA_CHECK_SECONDS"
    )
    # A suggestion or a proposed queue below this probability is not trusted: the reporter
    # picks the form, the general request goes to the fallback (triage) queue. New model
    # versions are trained and evaluated with it.
    triage_threshold: float = Field(
        default=0.5, ge=0.0, le=1.0, validation_alias="LIFECASE_ROUTING_TRIAGE_THRESHOLD"
    )
