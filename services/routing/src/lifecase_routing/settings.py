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
