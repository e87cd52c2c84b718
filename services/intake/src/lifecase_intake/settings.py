from __future__ import annotations

from pydantic import Field

from lifecase_platform.webui.settings import WebSettings


class IntakeSettings(WebSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/intake.db",
        validation_alias="LIFECASE_INTAKE_DATABASE_URL",
    )
