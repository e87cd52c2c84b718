"""Validating a case's data against its template's JSON Schema, with Danish CPR numbers checked
by python-stdnum. Messages name the field and never echo the value (it may be personal)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema import ValidationError as SchemaError
from jsonschema.validators import extend
from stdnum.dk import cpr
from stdnum.exceptions import ValidationError as StdnumError

from lifecase_contracts.events import Localized
from lifecase_platform.errors import field_error

format_checker = FormatChecker()


@format_checker.checks("dk-cpr")  # type: ignore[untyped-decorator]
def _is_cpr(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        cpr.validate(value)
    except StdnumError:
        return False
    return True


# A case's dates are planned with offsets and working-day calendars; outside these years
# they mean a typing error, and near year 1 or 9999 the arithmetic overflows.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


@format_checker.checks("date")  # type: ignore[untyped-decorator]
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10 and EARLIEST_DATE <= day <= LATEST_DATE


@format_checker.checks("email")  # type: ignore[untyped-decorator]
def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _date_order(validator: Any, order: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    """``x-date-order``: each entry's date field must not be before its ``not_before`` field
    (both set and valid dates; a missing or malformed one has its own error)."""
    if not isinstance(instance, dict) or not isinstance(order, list):
        return
    for rule in order:
        try:
            later = date.fromisoformat(instance[rule["field"]])
            earlier = date.fromisoformat(instance[rule["not_before"]])
        except (KeyError, TypeError, ValueError):
            continue
        if later < earlier:
            yield SchemaError("date order", validator_value=rule, path=[rule["field"]])


# The template's JSON Schema, with the one rule JSON Schema cannot say: dates in order.
CaseDataValidator = extend(Draft202012Validator, {"x-date-order": _date_order})

MESSAGES = {
    "required": ("This field is required.", "Feltet skal udfyldes."),
    "type": ("Wrong type: expected {expected}.", "Forkert type: forventede {expected}."),
    "format": ("Not a valid {expected_en}.", "Ikke et gyldigt {expected_da}."),
    "enum": ("Not one of the allowed choices.", "Ikke et af de tilladte valg."),
    "additionalProperties": ("Unknown field.", "Ukendt felt."),
    "minLength": ("Must not be empty.", "Må ikke være tomt."),
    "maxLength": ("Too long.", "For langt."),
    "pattern": ("Wrong format.", "Forkert format."),
    "minimum": ("Must be at least {limit}.", "Skal være mindst {limit}."),
    "maximum": ("Must be at most {limit}.", "Må højst være {limit}."),
    "minItems": ("Fill in at least {limit}.", "Udfyld mindst {limit}."),
    "maxItems": ("At most {limit}.", "Højst {limit}."),
    "x-date-order": ("Must not be before {other_en}.", "Må ikke ligge før {other_da}."),
}
FORMAT_NAMES_DA = {
    "date": "dato (ÅÅÅÅ-MM-DD, år 1900-2199)",
    "email": "e-mailadresse",
    "dk-cpr": "CPR-nummer",
}
FORMAT_NAMES_EN = {
    "date": "date (YYYY-MM-DD, years 1900-2199)",
    "email": "e-mail address",
    "dk-cpr": "CPR number",
}


def field_label(schema: Mapping[str, Any], key: str) -> Localized:
    """How the reporter knows field ``key`` of an input schema, the same on its form and on
    its timeline: the template's ``x-label``; for a schema published before ``x-label``, its
    title or else the key made readable."""
    prop = schema.get("properties", {}).get(key, {})
    label = prop.get("x-label")
    if isinstance(label, Mapping) and label.get("da") and label.get("en"):
        return Localized(da=label["da"], en=label["en"])
    title = str(prop.get("title") or key.replace("_", " ").capitalize())
    return Localized(da=title, en=title)


def validate_case_data(
    schema: dict[str, Any], data: dict[str, Any], language: str
) -> list[dict[str, Any]]:
    """Field-level errors (empty if the data is valid), in the caller's language."""
    errors = []
    for error in CaseDataValidator(schema, format_checker=format_checker).iter_errors(data):
        loc: list[str | int] = ["body", "data", *error.absolute_path]
        kind = str(error.validator)
        if kind == "required":
            loc.append(str(error.message).split("'")[1])
        if kind == "additionalProperties":
            instance = error.instance if isinstance(error.instance, dict) else data
            allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            extra = sorted(set(instance) - set(allowed))
            loc.extend(extra[:1])
        expected = error.validator_value if kind in ("type", "format") else ""
        limits = ("minimum", "maximum", "minItems", "maxItems")
        limit = error.validator_value if kind in limits else ""
        other = error.validator_value.get("label", {}) if kind == "x-date-order" else {}
        en, da = MESSAGES.get(kind, ("Invalid value.", "Ugyldig værdi."))
        text = (en if language == "en" else da).format(
            expected=expected,
            limit=f"{limit:g}" if isinstance(limit, int | float) else limit,
            expected_en=FORMAT_NAMES_EN.get(str(expected), expected),
            expected_da=FORMAT_NAMES_DA.get(str(expected), expected),
            other_en=other.get("en", ""),
            other_da=other.get("da", ""),
        )
        errors.append(field_error(loc, text, kind))
    return sorted(errors, key=lambda e: [str(p) for p in e["loc"]])
