"""The life-cycle template model: data, validated by pydantic, never code.

A template declares a life event's typed input fields (and which are personal data) and the
activities it expands into, each opening one sub-case for a unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lifecase_contracts.events import Localized

FieldType = Literal["text", "number", "date", "boolean", "choice", "email", "cpr", "department"]
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
CATALOGUE_DIR = Path(__file__).parent / "catalogue"


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str
    label: Localized


class InputField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    type: FieldType
    label: Localized
    required: bool = True
    personal: bool = False
    choices: list[Choice] | None = None
    max_length: int = Field(default=200, ge=1, le=10_000)

    @model_validator(mode="after")
    def _choices_only_for_choice(self) -> InputField:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError(
                f"field '{self.key}': choices are required for, and only for, type 'choice'"
            )
        return self

    def json_schema(self) -> dict[str, Any]:
        """The field's JSON Schema, annotated for forms: ``x-type`` (the template field type),
        ``x-label`` (da/en) and, for choices, ``x-enum-labels`` (da/en, in ``enum`` order).
        Validators ignore ``x-`` keywords."""
        annotations: dict[str, Any] = {"x-type": self.type, "x-label": self.label.model_dump()}
        if self.choices:
            annotations["x-enum-labels"] = [c.label.model_dump() for c in self.choices]
        return {**self._value_schema(), **annotations}

    def _value_schema(self) -> dict[str, Any]:
        title = self.label.en
        match self.type:
            case "text" | "department":
                return {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": self.max_length,
                    "title": title,
                }
            case "number":
                return {"type": "number", "title": title}
            case "date":
                return {"type": "string", "format": "date", "title": title}
            case "boolean":
                return {"type": "boolean", "title": title}
            case "email":
                return {"type": "string", "format": "email", "maxLength": 254, "title": title}
            case "cpr":
                return {
                    "type": "string",
                    "format": "dk-cpr",
                    "pattern": r"^\d{6}-?\d{4}$",
                    "title": title,
                }
            case "choice":
                return {
                    "type": "string",
                    "enum": [c.value for c in self.choices or []],
                    "title": title,
                }


class DueRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    working_days: int = Field(ge=0, le=365)


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    subcase_type: str = Field(pattern=r"^[a-z][a-z0-9_.]{0,99}$")
    title: Localized
    carries: list[str] = []
    unit_hint: str | None = None
    due: DueRule | None = None


class Template(BaseModel):
    """A life event: its input fields and the activities it expands into."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    title: Localized
    description: Localized
    fields: list[InputField] = Field(min_length=1)
    activities: list[Activity] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_are_known(self) -> Template:
        field_keys = [f.key for f in self.fields]
        activity_keys = [a.key for a in self.activities]
        for kind, keys in (("field", field_keys), ("activity", activity_keys)):
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise ValueError(f"duplicate {kind} keys: {', '.join(duplicates)}")
        for activity in self.activities:
            unknown = [k for k in activity.carries if k not in field_keys]
            if unknown:
                raise ValueError(
                    f"activity '{activity.key}' carries unknown fields: {', '.join(unknown)}"
                )
        return self

    @property
    def personal_fields(self) -> list[str]:
        return [f.key for f in self.fields if f.personal]

    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema reporters' data must satisfy (the API validates with exactly this)."""
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": self.title.en,
            "type": "object",
            "properties": {f.key: f.json_schema() for f in self.fields},
            "required": [f.key for f in self.fields if f.required],
            "additionalProperties": False,
        }

    def activity(self, key: str) -> Activity:
        for activity in self.activities:
            if activity.key == key:
                return activity
        raise KeyError(key)


def load_template(path: Path) -> Template:
    return Template.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[Template]:
    return [load_template(p) for p in sorted(directory.glob("*.yaml"))]
