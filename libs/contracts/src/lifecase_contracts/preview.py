"""What a case would become before it is filed: lifecycle answers which sub-cases open, when
and due when; routing answers which queue and unit each would reach. Both are read-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lifecase_contracts.events import Localized


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TemplatePreviewRequest(_Body):
    """Case data as it would be filed (already valid for the template's input schema)."""

    data: dict[str, Any]
    version: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="Default: the published version."
    )


class CarriedField(BaseModel):
    key: str
    label: Localized


class ActivityPreview(BaseModel):
    """One activity of the template for the given data."""

    key: str
    title: Localized
    included: bool = Field(description="False when its ``when`` condition does not hold.")
    subcase_type: str
    unit_hint: str | None
    opens_on: date | None = Field(description="Today, or the later date it is scheduled for.")
    waits_for: list[str] = Field(description="Activities that must be resolved first.")
    due_date: date | None = Field(description="Known now, or null if it depends on opening.")
    due_working_days: int | None = Field(description="The due rule, in Danish working days.")
    fields: list[CarriedField]


class TemplatePreview(BaseModel):
    key: str
    version: int
    activities: list[ActivityPreview]


class RoutingPreviewItem(_Body):
    """A sub-case that would open: what the routing rules can see of it."""

    subcase_type: str = Field(max_length=200)
    department: str | None = Field(default=None, max_length=200)
    unit_hint: str | None = Field(default=None, max_length=200)
    fields: dict[str, Any] = {}
    opens_on: date | None = None
    due_date: date | None = Field(default=None, description="The due date the template asks.")


class RoutingPreviewRequest(_Body):
    items: list[RoutingPreviewItem] = Field(max_length=100)

    @classmethod
    def of(
        cls,
        activities: Sequence[ActivityPreview],
        data: Mapping[str, Any],
        department: str | None,
    ) -> RoutingPreviewRequest:
        """What the rules see of each planned sub-case: its type, the case's department, the
        template's unit hint and the fields it would carry (the portal and the admin area's
        test run ask the same way)."""
        return cls(
            items=[
                RoutingPreviewItem(
                    subcase_type=a.subcase_type,
                    department=department,
                    unit_hint=a.unit_hint,
                    # A repeatable group's row values are planned, not filed, under their
                    # own keys: the rules see the fields the case data has.
                    fields={f.key: data[f.key] for f in a.fields if f.key in data},
                    opens_on=a.opens_on,
                    due_date=a.due_date,
                )
                for a in activities
            ]
        )


class RoutingPreviewResult(BaseModel):
    """Where the active rules would send one item, and its SLA due date there."""

    queue: str
    queue_name: Localized
    unit: str
    unit_name: Localized
    rule: str
    due_date: date | None


class DirectoryPublic(BaseModel):
    """The names of units and queues, by key, for pages that show where work went."""

    units: dict[str, Localized]
    queues: dict[str, Localized]
