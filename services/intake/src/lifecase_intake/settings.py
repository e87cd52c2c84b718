from __future__ import annotations

from pydantic import Field

from lifecase_platform.settings import PlatformSettings


class IntakeSettings(PlatformSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/intake.db",
        validation_alias="LIFECASE_INTAKE_DATABASE_URL",
    )
