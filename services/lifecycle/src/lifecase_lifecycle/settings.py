from __future__ import annotations

from pydantic import Field

from lifecase_platform.webui.settings import WebSettings


class LifecycleSettings(WebSettings):
    """Lifecycle serves the admin area's pages too, hence the web settings."""

    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/lifecycle.db",
        validation_alias="LIFECASE_LIFECYCLE_DATABASE_URL",
    )
    # Where the admin area's test run asks routing where sub-cases would go.
    routing_url: str = Field(
        default="http://127.0.0.1:8000", validation_alias="LIFECASE_ROUTING_URL"
    )
    task_queue: str = Field(
        default="lifecase-lifecycle", validation_alias="LIFECASE_LIFECYCLE_TASK_QUEUE"
    )
