from __future__ import annotations

from pydantic import Field

from lifecase_platform.settings import PlatformSettings


class LifecycleSettings(PlatformSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/lifecycle.db",
        validation_alias="LIFECASE_LIFECYCLE_DATABASE_URL",
    )
    task_queue: str = Field(
        default="lifecase-lifecycle", validation_alias="LIFECASE_LIFECYCLE_TASK_QUEUE"
    )
