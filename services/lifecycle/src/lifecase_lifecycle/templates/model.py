"""The life-cycle template model: data, validated by pydantic, never code.

A template declares a life event's typed input fields (and which are personal data) and the
activities it expands into. Each activity opens one sub-case for a unit when its ``when``
condition (CEL) holds and its trigger fires: at once, after other activities are done, or at
a date relative to a date field. ``on_withdraw`` lists follow-ups that reverse finished work
when the reporter withdraws the case.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lifecase_contracts.events import Localized

FieldType = Literal["text", "number", "date", "boolean", "choice", "email", "cpr", "department"]
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
# No number field of a life event needs more; beyond it, arithmetic and storage misbehave.
NUMBER_LIMIT = 1_000_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Choice(_Strict):
    value: str
    label: Localized


class ShownIf(_Strict):
    """A field that applies only when another field has a given value (e.g. partner data)."""

    field: str
    equals: bool | str


class InputField(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    type: FieldType
    label: Localized
    help: Localized | None = None
    required: bool = True
    personal: bool = False
    choices: list[Choice] | None = None
    max_length: int = Field(default=200, ge=1, le=10_000)
    minimum: float | None = Field(default=None, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)
    maximum: float | None = Field(default=None, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)
    shown_if: ShownIf | None = None

    @model_validator(mode="after")
    def _choices_only_for_choice(self) -> InputField:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("choices are required for, and only for, type 'choice'")
        return self

    @model_validator(mode="after")
    def _range_only_for_numbers(self) -> InputField:
        bounded = self.minimum is not None or self.maximum is not None
        if bounded and self.type != "number":
            raise ValueError("minimum and maximum apply only to type 'number'")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum must not exceed maximum")
        return self

    def json_schema(self) -> dict[str, Any]:
        schema = self._type_schema()
        schema["title"] = self.label.en
        schema["x-label"] = self.label.model_dump()
        schema["x-personal"] = self.personal
        schema["x-type"] = self.type
        if self.choices:
            schema["x-enum-labels"] = [c.label.model_dump() for c in self.choices]
        if self.shown_if:
            # Forms show the field only when it applies; ``allOf`` alone says so only for
            # required fields.
            schema["x-shown-if"] = self.shown_if.model_dump()
        return schema

    def _type_schema(self) -> dict[str, Any]:
        match self.type:
            case "text" | "department":
                return {"type": "string", "minLength": 1, "maxLength": self.max_length}
            case "number":
                return {
                    "type": "number",
                    "minimum": self.minimum if self.minimum is not None else -NUMBER_LIMIT,
                    "maximum": self.maximum if self.maximum is not None else NUMBER_LIMIT,
                }
            case "date":
                # Dates outside 1900-2199 are refused by intake's date format check: plans and
                # working-day calendars cannot reach them.
                return {"type": "string", "format": "date"}
            case "boolean":
                return {"type": "boolean"}
            case "email":
                return {"type": "string", "format": "email", "maxLength": 254}
            case "cpr":
                return {"type": "string", "format": "dk-cpr", "pattern": r"^\d{6}-?\d{4}$"}
            case "choice":
                return {"type": "string", "enum": [c.value for c in self.choices or []]}


class DateOffset(_Strict):
    """A date relative to a date field: ``days`` calendar days after it (negative: before)."""

    field: str
    days: int = Field(default=0, ge=-3650, le=3650)


class Trigger(_Strict):
    """When an activity opens: after the named activities are resolved and/or at a date.
    With neither, it opens as soon as the case starts."""

    after: list[str] = []
    date: DateOffset | None = None


class DueRule(_Strict):
    """A due date in Danish working days, from the day the sub-case opens or from a date
    field (negative: before it)."""

    working_days: int = Field(ge=-365, le=365)
    from_field: str | None = Field(default=None, alias="from")


class Activity(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    subcase_type: str = Field(pattern=r"^[a-z][a-z0-9_.]{0,99}$")
    title: Localized
    carries: list[str] = []
    when: str | None = None
    trigger: Trigger = Trigger()
    due: DueRule | None = None
    unit_hint: str | None = None


class FollowUp(_Strict):
    """A sub-case opened on withdrawal when ``if_resolved`` had already been done."""

    key: str = Field(pattern=KEY_PATTERN)
    if_resolved: str
    subcase_type: str = Field(pattern=r"^[a-z][a-z0-9_.]{0,99}$")
    title: Localized
    carries: list[str] = []
    due: DueRule | None = None
    unit_hint: str | None = None


class Template(_Strict):
    """A life event: its input fields and the activities it expands into."""

    key: str = Field(pattern=KEY_PATTERN)
    title: Localized
    description: Localized
    fields: list[InputField] = Field(min_length=1)
    activities: list[Activity] = Field(min_length=1)
    on_withdraw: list[FollowUp] = []

    @property
    def personal_fields(self) -> list[str]:
        return [f.key for f in self.fields if f.personal]

    @property
    def date_fields(self) -> list[str]:
        return [f.key for f in self.fields if f.type == "date"]

    def field(self, key: str) -> InputField:
        return next(f for f in self.fields if f.key == key)

    def activity(self, key: str) -> Activity:
        for activity in self.activities:
            if activity.key == key:
                return activity
        raise KeyError(key)

    def follow_up(self, key: str) -> FollowUp:
        for follow_up in self.on_withdraw:
            if follow_up.key == key:
                return follow_up
        raise KeyError(key)

    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema reporters' data must satisfy (the API validates with exactly this).
        A field with ``shown_if`` is required only when its condition holds."""
        always = [f.key for f in self.fields if f.required and f.shown_if is None]
        conditional = [
            {
                "if": {
                    "properties": {f.shown_if.field: {"const": f.shown_if.equals}},
                    "required": [f.shown_if.field],
                },
                "then": {"required": [f.key]},
            }
            for f in self.fields
            if f.required and f.shown_if is not None
        ]
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title.en,
            "type": "object",
            "properties": {f.key: f.json_schema() for f in self.fields},
            "required": always,
            "additionalProperties": False,
        }
        if conditional:
            schema["allOf"] = conditional
        return schema


def template_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the template format (docs/templates/template.schema.json)."""
    schema = Template.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://lifecase.dk/schemas/template.schema.json"
    return schema
