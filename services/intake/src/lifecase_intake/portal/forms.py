"""The form of a life event, generated from the input JSON Schema its template publishes, and
the way back: what a person typed (in a form or a CSV row) into case data, with errors per
field in their language. Validation is intake's own ``validate_case_data``, the same check the
API makes, so the portal can never accept what the API would refuse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lifecase_contracts.events import Localized
from lifecase_platform.case_data import field_label, validate_case_data

NUMBER_ERROR = Localized(
    da="Skriv et tal, fx 37 eller 37,5.", en="Enter a number, for example 37 or 37,5."
)
BOOLEAN_ERROR = Localized(da="Skriv ja eller nej.", en="Write yes or no.")
TRUE_WORDS = {"true", "yes", "ja", "1", "x", "on", "sand"}
FALSE_WORDS = {"false", "no", "nej", "0", "off", "falsk"}

# When one value breaks several rules, the most specific message wins.
ERROR_PRIORITY = {"required": 0, "format": 1, "enum": 2, "minLength": 3, "pattern": 4}


@dataclass(frozen=True)
class Option:
    value: str
    label: Localized


@dataclass(frozen=True)
class Condition:
    """A field applies only when another field has this value (e.g. partner data when the
    partner is employed)."""

    field: str
    equals: bool | str

    @property
    def value(self) -> str:
        """``equals`` as the form sends it: a ticked checkbox is "true"."""
        return str(self.equals).lower() if isinstance(self.equals, bool) else self.equals

    def holds(self, data: Mapping[str, Any]) -> bool:
        if isinstance(self.equals, bool):
            return bool(data.get(self.field, False)) is self.equals
        return data.get(self.field) == self.equals


@dataclass(frozen=True)
class FormField:
    """One input of a life event's form; ``kind`` is the template's field type."""

    key: str
    kind: str
    label: Localized
    required: bool
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    shown_if: Condition | None = None


def form_fields(schema: Mapping[str, Any]) -> list[FormField]:
    """The fields of a published input schema, in the template's order."""
    # A conditional field is required whenever it is shown.
    required = set(schema.get("required", [])) | {
        key for rule in schema.get("allOf", []) for key in rule.get("then", {}).get("required", [])
    }
    return [
        FormField(
            key=key,
            kind=_kind(prop),
            label=field_label(schema, key),
            required=key in required,
            options=_options(prop),
            max_length=prop.get("maxLength"),
            shown_if=_condition(key, prop, schema),
        )
        for key, prop in schema.get("properties", {}).items()
    ]


def _condition(key: str, prop: Mapping[str, Any], schema: Mapping[str, Any]) -> Condition | None:
    """From the field's ``x-shown-if``, or else from the ``allOf``/``if``/``then`` rule that
    makes it required (schemas published before ``x-shown-if``)."""
    shown_if = prop.get("x-shown-if")
    if isinstance(shown_if, Mapping):
        return Condition(field=str(shown_if["field"]), equals=shown_if["equals"])
    for rule in schema.get("allOf", []):
        if key not in rule.get("then", {}).get("required", []):
            continue
        properties = rule.get("if", {}).get("properties", {})
        if len(properties) == 1:
            [(field, test)] = properties.items()
            if "const" in test:
                return Condition(field=field, equals=test["const"])
    return None


def applicable(fields: list[FormField], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the values of fields that do not apply (e.g. partner data typed in
    before the reporter unticked "partner employed"), so they are neither checked nor kept."""
    shown = {f.key for f in fields if f.shown_if is None or f.shown_if.holds(data)}
    return {key: value for key, value in data.items() if key in shown}


def _kind(prop: Mapping[str, Any]) -> str:
    """The template field type; inferred from the schema when it predates ``x-type``."""
    if "x-type" in prop:
        return str(prop["x-type"])
    if "enum" in prop:
        return "choice"
    formats = {"date": "date", "dk-cpr": "cpr", "email": "email"}
    if prop.get("format") in formats:
        return formats[prop["format"]]
    return {"number": "number", "integer": "number", "boolean": "boolean"}.get(
        prop.get("type", ""), "text"
    )


def _options(prop: Mapping[str, Any]) -> tuple[Option, ...]:
    values = [str(v) for v in prop.get("enum", [])]
    labels = prop.get("x-enum-labels") or []
    options = []
    for index, value in enumerate(values):
        label = labels[index] if index < len(labels) else {"da": value, "en": value}
        options.append(Option(value=value, label=Localized(da=label["da"], en=label["en"])))
    return tuple(options)


def read_values(
    fields: list[FormField], raw: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Localized]]:
    """Typed case data from text values, and the values that could not even be typed.

    Blank values are left out, so a blank required field reads as missing. Numbers take a
    Danish decimal comma; yes/no take Danish and English words.
    """
    data: dict[str, Any] = {}
    errors: dict[str, Localized] = {}
    for field in fields:
        text = (raw.get(field.key) or "").strip()
        if not text:
            continue
        if field.kind == "number":
            number = _number(text)
            if number is None:
                errors[field.key] = NUMBER_ERROR
            else:
                data[field.key] = number
        elif field.kind == "boolean":
            if text.lower() in TRUE_WORDS | FALSE_WORDS:
                data[field.key] = text.lower() in TRUE_WORDS
            else:
                errors[field.key] = BOOLEAN_ERROR
        else:
            data[field.key] = text
    return data, errors


def _number(text: str) -> int | float | None:
    try:
        number = float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


def check(
    schema: Mapping[str, Any], fields: list[FormField], raw: Mapping[str, str], language: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Case data from text values and every field's first error, in ``language``."""
    data, typing_errors = read_values(fields, raw)
    data = applicable(fields, data)
    errors = {
        key: text.pick(language)
        for key, text in typing_errors.items()
        if _applies(fields, key, data)
    }
    ranked: dict[str, tuple[int, str]] = {}
    for error in validate_case_data(dict(schema), data, language):
        key = str(error["loc"][-1])
        if key in errors:
            continue
        rank = ERROR_PRIORITY.get(error["type"], 9)
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, error["msg"])
    errors.update({key: msg for key, (_, msg) in ranked.items()})
    return data, errors


def _applies(fields: list[FormField], key: str, data: Mapping[str, Any]) -> bool:
    field = next(f for f in fields if f.key == key)
    return field.shown_if is None or field.shown_if.holds(data)
