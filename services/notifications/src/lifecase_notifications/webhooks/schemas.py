"""The webhooks API's models: a subscription as created, changed and shown, and its
deliveries with their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EventTypes = list[str]


class WebhookBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="http or https URL to post to.")
    event_types: EventTypes = Field(
        min_length=1,
        max_length=50,
        description=(
            "Event types to deliver (``lifecase.case.submitted``), a prefix with a wildcard "
            "(``lifecase.subcase.*``) or ``*`` for every offered type."
        ),
    )
    description: str = Field(default="", max_length=500)


class WebhookCreate(WebhookBase):
    secret: str | None = Field(
        default=None,
        max_length=200,
        description="``whsec_`` and base64 of 24 to 64 random bytes; made up if left out.",
    )
    active: bool = True


class WebhookUpdate(BaseModel):
    """What to change; ``active`` false pauses the subscription, true resumes it."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    event_types: EventTypes | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = None


class WebhookPublic(BaseModel):
    id: str
    url: str
    event_types: EventTypes
    description: str
    active: bool
    paused_reason: Literal["admin", "failing"] | None
    consecutive_failures: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookPublic):
    """The new subscription with its signing secret: shown this once."""

    secret: str


class AttemptPublic(BaseModel):
    number: int
    attempted_at: datetime
    succeeded: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    response_snippet: str | None
    replay: bool


class DeliveryPublic(BaseModel):
    id: str = Field(description="The ``webhook-id`` header the subscriber saw.")
    event_id: str
    event_type: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    last_attempt_at: datetime | None
    attempt_log: list[AttemptPublic]
