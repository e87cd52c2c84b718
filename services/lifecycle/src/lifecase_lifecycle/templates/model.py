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

FieldType = Literal[
    "text", "number", "date", "boolean", "choice", "email", "cpr", "department", "group"
]
# How many rows a repeatable group may have at most (a leave in more periods than this is
# filed as more cases).
GROUP_LIMIT = 20
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
    # Text: a few sentences rather than a line (a general request's description), so forms
    # give it a text area.
    multiline: bool = False
    minimum: float | None = Field(default=None, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)
    maximum: float | None = Field(default=None, ge=-NUMBER_LIMIT, le=NUMBER_LIMIT)
    shown_if: ShownIf | None = None
    # Dates: the key of another date field (beside it: top level, or in the same group) that
    # this one must not be before, e.g. a period's end not before its start.
    not_before: str | None = Field(default=None, pattern=KEY_PATTERN)
    # Dates: the calendar days of notice the units ask for before this date. Never refused:
    # a later report is filed, but the reporter is warned that some tasks may be late.
    min_notice_days: int | None = Field(default=None, ge=0, le=365)
    # Groups: a repeatable set of sub-fields (e.g. leave periods: from, until), each row
    # named by ``item_label`` and a number; an activity with ``for_each`` opens once per row.
    fields: list[InputField] | None = Field(default=None, max_length=30)
    item_label: Localized | None = None
    min_items: int = Field(default=1, ge=0, le=GROUP_LIMIT)
    max_items: int = Field(default=6, ge=1, le=GROUP_LIMIT)

    @model_validator(mode="after")
    def _groups_have_sub_fields(self) -> InputField:
        if (self.type == "group") != bool(self.fields):
            raise ValueError("fields are required for, and only for, type 'group'")
        if any(f.type == "group" for f in self.fields or []):
            raise ValueError("a group's fields cannot be groups themselves")
        if self.min_items > self.max_items:
            raise ValueError("min_items must not exceed max_items")
        if self.not_before is not None and self.type != "date":
            raise ValueError("not_before applies only to type 'date'")
        if self.min_notice_days is not None and self.type != "date":
            raise ValueError("min_notice_days applies only to type 'date'")
        if self.multiline and self.type != "text":
            raise ValueError("multiline applies only to type 'text'")
        return self

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
        schema = self._group_schema() if self.type == "group" else self._type_schema()
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
        if self.min_notice_days is not None:
            # Forms warn (never refuse) when the date is nearer than this.
            schema["x-min-notice-days"] = self.min_notice_days
        if self.multiline:
            schema["x-multiline"] = True
        return schema

    def _group_schema(self) -> dict[str, Any]:
        """An array of rows, each an object of the sub-fields, checked as a template's top
        level is (required sub-fields, no others, date order)."""
        item_label = self.item_label or Localized(da="Række", en="Row")
        return {
            "type": "array",
            "minItems": self.min_items,
            "maxItems": self.max_items,
            "items": object_schema(self.fields or []),
            "x-item-label": item_label.model_dump(),
        }

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
            case "group":
                raise AssertionError("groups have their own schema")


def object_schema(fields: list[InputField]) -> dict[str, Any]:
    """The JSON Schema of an object of ``fields`` (the case's data, or one row of a group):
    each field's schema, which are required (a field with ``shown_if`` only when its
    condition holds), no others, and the order of dates (``x-date-order``, checked by
    ``lifecase_platform.case_data``)."""
    always = [f.key for f in fields if f.required and f.shown_if is None]
    conditional = [
        {
            "if": {
                "properties": {f.shown_if.field: {"const": f.shown_if.equals}},
                "required": [f.shown_if.field],
            },
            "then": {"required": [f.key]},
        }
        for f in fields
        if f.required and f.shown_if is not None
    ]
    labels = {f.key: f.label for f in fields}
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.key: f.json_schema() for f in fields},
        "required": always,
        "additionalProperties": False,
    }
    if conditional:
        schema["allOf"] = conditional
    order = [
        {"field": f.key, "not_before": f.not_before, "label": labels[f.not_before].model_dump()}
        for f in fields
        if f.not_before is not None and f.not_before in labels
    ]
    if order:
        schema["x-date-order"] = order
    return schema


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
    """One sub-case the case may open. With ``for_each`` (a group field) it opens once per
    row of the group, and may name the row's sub-fields as ``group.field`` in ``carries``,
    its date trigger and its due rule."""

    key: str = Field(pattern=KEY_PATTERN)
    subcase_type: str = Field(pattern=r"^[a-z][a-z0-9_.]{0,99}$")
    title: Localized
    carries: list[str] = []
    when: str | None = None
    trigger: Trigger = Trigger()
    due: DueRule | None = None
    unit_hint: str | None = None
    for_each: str | None = Field(default=None, pattern=KEY_PATTERN)


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
        """Fields holding personal data; a group does when any of its sub-fields does."""
        return [f.key for f in self.fields if f.personal or any(s.personal for s in f.fields or [])]

    @property
    def date_fields(self) -> list[str]:
        return [f.key for f in self.fields if f.type == "date"]

    @property
    def groups(self) -> dict[str, InputField]:
        return {f.key: f for f in self.fields if f.type == "group"}

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
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title.en,
            **object_schema(self.fields),
        }


def template_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the template format (docs/templates/template.schema.json)."""
    schema = Template.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://lifecase.dk/schemas/template.schema.json"
    return schema
