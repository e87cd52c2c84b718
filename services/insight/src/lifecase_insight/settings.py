from __future__ import annotations

from pydantic import Field

from lifecase_platform.webui.settings import WebSettings


class InsightSettings(WebSettings):
    database_url: str = Field(
        default="sqlite+aiosqlite:///.lifecase/insight.db",
        validation_alias="LIFECASE_INSIGHT_DATABASE_URL",
    )
    # Where a unit lead's units are asked for (routing's ``GET /api/v1/units``), and how long
    # an answer is kept per person.
    routing_url: str = Field(
        default="http://127.0.0.1:8000", validation_alias="LIFECASE_ROUTING_URL"
    )
    units_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    # The dashboards can lag a second: the projection then reads the stream in larger
    # batches, beside the case's path rather than on it (issue 9's CPU per case).
    consumer_linger_seconds: float = Field(default=1.0, ge=0, le=10)
    # The automation report's full-time equivalent: working hours per person and year.
    hours_per_fte: float = Field(
        default=1628.0, gt=0, le=8760, validation_alias="LIFECASE_INSIGHT_HOURS_PER_FTE"
    )
