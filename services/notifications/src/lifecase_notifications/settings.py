from __future__ import annotations

from pydantic import Field

from lifecase_platform.settings import PlatformSettings


class NotificationsSettings(PlatformSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/notifications.db",
        validation_alias="LIFECASE_NOTIFICATIONS_DATABASE_URL",
    )
