from __future__ import annotations

from pydantic import Field

from lifecase_platform.webui.settings import WebSettings


class IntakeSettings(WebSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/intake.db",
        validation_alias="LIFECASE_INTAKE_DATABASE_URL",
    )
    # Where the portal asks for a case's preview (lifecycle's plan, routing's destinations).
    lifecycle_url: str = Field(
        default="http://127.0.0.1:8000", validation_alias="LIFECASE_LIFECYCLE_URL"
    )
    routing_url: str = Field(
        default="http://127.0.0.1:8000", validation_alias="LIFECASE_ROUTING_URL"
    )
