"""The form of a life event, generated from the input JSON Schema its template publishes, and
the way back: what a person typed (in a form or a CSV row) into case data, with errors per
field in their language. Validation is intake's own ``validate_case_data``, the same check the
API makes, so the portal can never accept what the API would refuse.

A repeatable group (``x-type: group``, e.g. leave periods) is a list of rows in the case data.
On the form, the inputs of row ``n`` (from 1) are named ``{group}-{n}-{sub}``
(``leave_periods-2-end``); rows left entirely blank are skipped, and errors are keyed by the
input they concern, or by the group for the group as a whole (too few or too many rows)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from lifecase_contracts.events import Localized
from lifecase_platform.case_data import field_label, validate_case_data

NUMBER_ERROR = Localized(
    da="Skriv et tal, fx 37 eller 37,5.", en="Enter a number, for example 37 or 37,5."
)
BOOLEAN_ERROR = Localized(da="Skriv ja eller nej.", en="Write yes or no.")
TRUE_WORDS = {"true", "yes", "ja", "1", "x", "on", "sand"}
FALSE_WORDS = {"false", "no", "nej", "0", "off", "falsk"}
ROW_LABEL = Localized(da="Række", en="Row")
# Rows read from a posted form or a draft, at most: beyond what any template allows (the
# schema's maxItems then refuses the extra ones), yet bounded whatever is posted.
ROW_LIMIT = 50
ROW_KEY = re.compile(r"^([a-z][a-z0-9_]*)-([1-9][0-9]{0,2})-([a-z][a-z0-9_]*)$")

# A date nearer than its field's ``x-min-notice-days`` is warned about, never refused: when
# the date is (``{label}``, ``{days}``), then what the units ask for.
NOTICE_WHEN = {
    "future": Localized(da="{label} er om {days} dage.", en="{label} is in {days} days."),
    "tomorrow": Localized(da="{label} er i morgen.", en="{label} is tomorrow."),
    "today": Localized(da="{label} er i dag.", en="{label} is today."),
    "yesterday": Localized(da="{label} var i går.", en="{label} was yesterday."),
    "past": Localized(da="{label} var for {days} dage siden.", en="{label} was {days} days ago."),
}
NOTICE_ASKED = Localized(
    da="Enhederne beder om mindst {days} dages varsel, så nogle opgaver kan blive forsinkede.",
    en="The units ask for at least {days} days' notice, so some tasks may be late.",
)
NOTICE_ASKED_ONE = Localized(
    da="Enhederne beder om mindst 1 dags varsel, så nogle opgaver kan blive forsinkede.",
    en="The units ask for at least 1 day's notice, so some tasks may be late.",
)
NOTICE_LATE = Localized(da="Nogle opgaver kan blive forsinkede.", en="Some tasks may be late.")

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
    """One input of a life event's form; ``kind`` is the template's field type. A group
    (``kind == "group"``) has ``fields``, the sub-fields of each of its rows, between
    ``min_items`` and ``max_items`` rows, each called ``item_label`` and its number."""

    key: str
    kind: str
    label: Localized
    required: bool
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    shown_if: Condition | None = None
    fields: tuple[FormField, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    item_label: Localized = ROW_LABEL
    min_notice_days: int | None = None
    multiline: bool = False

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    def row_key(self, n: int, sub: str) -> str:
        """The form key of sub-field ``sub`` in row ``n`` (from 1) of this group."""
        return row_key(self.key, n, sub)


def row_key(group: str, n: int, sub: str) -> str:
    return f"{group}-{n}-{sub}"


def form_fields(schema: Mapping[str, Any]) -> list[FormField]:
    """The fields of a published input schema, in the template's order."""
    # A conditional field is required whenever it is shown.
    required = set(schema.get("required", [])) | {
        key for rule in schema.get("allOf", []) for key in rule.get("then", {}).get("required", [])
    }
    return [_form_field(schema, key, prop, key in required) for key, prop in _properties(schema)]


def _properties(schema: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    properties = schema.get("properties", {})
    return [(k, p) for k, p in properties.items() if isinstance(p, Mapping)]


def _form_field(
    schema: Mapping[str, Any], key: str, prop: Mapping[str, Any], required: bool
) -> FormField:
    kind = _kind(prop)
    field = FormField(
        key=key,
        kind=kind,
        label=field_label(schema, key),
        required=required,
        options=_options(prop),
        max_length=prop.get("maxLength"),
        shown_if=_condition(key, prop, schema),
        min_notice_days=_notice_days(prop),
        multiline=prop.get("x-multiline") is True,
    )
    if kind != "group":
        return field
    items = prop.get("items")
    item_label = prop.get("x-item-label")
    return replace(
        field,
        fields=tuple(form_fields(items if isinstance(items, Mapping) else {})),
        min_items=int(prop.get("minItems", 0)),
        max_items=int(prop["maxItems"]) if "maxItems" in prop else None,
        item_label=(
            Localized(da=item_label["da"], en=item_label["en"])
            if isinstance(item_label, Mapping) and item_label.get("da") and item_label.get("en")
            else ROW_LABEL
        ),
    )


def _notice_days(prop: Mapping[str, Any]) -> int | None:
    days = prop.get("x-min-notice-days")
    return days if isinstance(days, int) and not isinstance(days, bool) and days >= 0 else None


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
    before the reporter unticked "partner employed"), so they are neither checked nor kept.
    In a group's rows, a sub-field's condition is read in its row (then the case data)."""
    result: dict[str, Any] = {}
    for field in fields:
        if field.key not in data or not _shown(field, data):
            continue
        value = data[field.key]
        if field.is_group and isinstance(value, list):
            value = [
                _applicable_row(field, row, data) if isinstance(row, Mapping) else row
                for row in value
            ]
        result[field.key] = value
    return result


def _applicable_row(
    group: FormField, row: Mapping[str, Any], data: Mapping[str, Any]
) -> dict[str, Any]:
    context = {**data, **row}
    return {
        sub.key: row[sub.key] for sub in group.fields if sub.key in row and _shown(sub, context)
    }


def _shown(field: FormField, data: Mapping[str, Any]) -> bool:
    return field.shown_if is None or field.shown_if.holds(data)


def _kind(prop: Mapping[str, Any]) -> str:
    """The template field type; inferred from the schema when it predates ``x-type``."""
    if "x-type" in prop:
        return str(prop["x-type"])
    if "enum" in prop:
        return "choice"
    formats = {"date": "date", "dk-cpr": "cpr", "email": "email"}
    if prop.get("format") in formats:
        return formats[prop["format"]]
    if prop.get("type") == "array" and isinstance(prop.get("items"), Mapping):
        return "group"
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


def row_numbers(group: FormField, keys: Iterable[str]) -> list[int]:
    """The row numbers of ``group`` that ``keys`` (a posted form's, or a draft's) have a
    sub-field of, in order."""
    subs = {f.key for f in group.fields}
    numbers = set()
    for key in keys:
        match = ROW_KEY.match(key)
        if match and match[1] == group.key and match[3] in subs:
            n = int(match[2])
            if n <= ROW_LIMIT:
                numbers.add(n)
    return sorted(numbers)


def filled_rows(group: FormField, raw: Mapping[str, str]) -> list[int]:
    """The numbers of the rows with something in them (an unticked checkbox is nothing)."""
    return [n for n in row_numbers(group, raw) if not _blank_row(group, n, raw)]


def _blank_row(group: FormField, n: int, raw: Mapping[str, str]) -> bool:
    for sub in group.fields:
        text = (raw.get(group.row_key(n, sub.key)) or "").strip()
        if text and not (sub.kind == "boolean" and text.lower() in FALSE_WORDS):
            return False
    return True


def rows_shown(group: FormField, values: Mapping[str, str], *, add: bool = False) -> int:
    """How many rows the form shows: at least ``min_items`` and one, every row up to the
    last one with a value, and with ``add`` one more (while the group has room)."""
    count = max(group.min_items, 1, *filled_rows(group, values))
    if add and (group.max_items is None or count < group.max_items):
        count += 1
    return count


def read_values(
    fields: list[FormField], raw: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Localized]]:
    """Typed case data from text values, and the values that could not even be typed.

    Blank values are left out, so a blank required field reads as missing. Numbers take a
    Danish decimal comma; yes/no take Danish and English words. A group's rows become its
    list, blank rows skipped (without rows, the group is left out too).
    """
    data: dict[str, Any] = {}
    errors: dict[str, Localized] = {}
    for field in fields:
        if field.is_group:
            rows = []
            for n in filled_rows(field, raw):
                row, row_errors = _read_row(field, n, raw)
                rows.append(row)
                errors.update(row_errors)
            if rows:
                data[field.key] = rows
            continue
        value, error = _typed(field, raw.get(field.key))
        if error is not None:
            errors[field.key] = error
        elif value is not None:
            data[field.key] = value
    return data, errors


def _read_row(
    group: FormField, n: int, raw: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Localized]]:
    row: dict[str, Any] = {}
    errors: dict[str, Localized] = {}
    for sub in group.fields:
        key = group.row_key(n, sub.key)
        value, error = _typed(sub, raw.get(key))
        if error is not None:
            errors[key] = error
        elif value is not None:
            row[sub.key] = value
    return row, errors


def _typed(field: FormField, raw: str | None) -> tuple[Any, Localized | None]:
    """The value of one input as its field's type, or why it is not one (None: blank)."""
    text = (raw or "").strip()
    if not text:
        return None, None
    if field.kind == "number":
        number = _number(text)
        return (None, NUMBER_ERROR) if number is None else (number, None)
    if field.kind == "boolean":
        if text.lower() in TRUE_WORDS | FALSE_WORDS:
            return text.lower() in TRUE_WORDS, None
        return None, BOOLEAN_ERROR
    return text, None


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
    """Case data from text values and every field's first error, in ``language``: keyed by
    the input (``leave_periods-2-end`` in a group's row), or by a group as a whole."""
    data, typing_errors = read_values(fields, raw)
    data = applicable(fields, data)
    # validate_case_data counts the rows kept, from 0; the person sees the form's numbers.
    kept = {f.key: filled_rows(f, raw) for f in fields if f.is_group}
    errors = {
        key: text.pick(language)
        for key, text in typing_errors.items()
        if _applies(fields, key, data, kept)
    }
    ranked: dict[str, tuple[int, str]] = {}
    for error in validate_case_data(dict(schema), data, language):
        key = _error_key(error["loc"], kept)
        if key in errors:
            continue
        rank = ERROR_PRIORITY.get(error["type"], 9)
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, error["msg"])
    errors.update({key: msg for key, (_, msg) in ranked.items()})
    return data, errors


def _error_key(loc: list[str | int], kept: Mapping[str, list[int]]) -> str:
    """The form key an error of ``validate_case_data`` concerns: ``["body", "data",
    "leave_periods", 1, "end"]`` is the end of the second row kept."""
    path = loc[2:]
    if not path:
        return str(loc[-1])
    key = str(path[0])
    numbers = kept.get(key)
    index = path[1] if len(path) >= 3 else None
    if numbers is not None and isinstance(index, int) and 0 <= index < len(numbers):
        return row_key(key, numbers[index], str(path[2]))
    return key


def _applies(
    fields: list[FormField], key: str, data: Mapping[str, Any], kept: Mapping[str, list[int]]
) -> bool:
    match = ROW_KEY.match(key)
    name = match[1] if match else key
    field = next((f for f in fields if f.key == name), None)
    if field is None:
        return True
    if not _shown(field, data):
        return False
    if not match:
        return True
    rows = data.get(field.key)
    n = int(match[2])
    sub = next((f for f in field.fields if f.key == match[3]), None)
    if sub is None or not isinstance(rows, list) or n not in kept.get(field.key, []):
        return False
    row = rows[kept[field.key].index(n)]
    return _shown(sub, {**data, **row})


def notice_warnings(
    fields: list[FormField], data: Mapping[str, Any], today: date, language: str
) -> list[str]:
    """In ``language``, a warning for each date in ``data`` (typed case data) nearer to
    ``today`` than its field's minimum notice, in the form's order; a date in a group's row
    is named with the row ("Fra (periode 2)"). Such a case may still be filed."""
    data = applicable(fields, data)
    warnings = []
    for field in fields:
        value = data.get(field.key)
        if not field.is_group:
            warning = _notice_warning(field, field.label.pick(language), value, today, language)
            warnings += [warning] if warning else []
            continue
        rows = value if isinstance(value, list) else []
        item = field.item_label.pick(language).lower()
        for n, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                continue
            for sub in field.fields:
                label = f"{sub.label.pick(language)} ({item} {n})"
                warning = _notice_warning(sub, label, row.get(sub.key), today, language)
                warnings += [warning] if warning else []
    return warnings


def _notice_warning(
    field: FormField, label: str, value: Any, today: date, language: str
) -> str | None:
    notice = field.min_notice_days
    if notice is None or field.kind != "date" or not isinstance(value, str):
        return None
    try:
        days = (date.fromisoformat(value) - today).days
    except ValueError:
        return None
    if days >= notice:
        return None
    when = {1: "tomorrow", 0: "today", -1: "yesterday"}.get(days, "future" if days > 0 else "past")
    asked = NOTICE_LATE if notice == 0 else NOTICE_ASKED_ONE if notice == 1 else NOTICE_ASKED
    first = NOTICE_WHEN[when].pick(language).format(label=label, days=abs(days))
    return f"{first} {asked.pick(language).format(days=notice)}"
