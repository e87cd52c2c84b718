"""Bundles: a template version packed to be shared with another municipality.

A bundle is one YAML file: the template exactly as published, its documentation, the
sub-case types it opens (with the unit each was meant for) and example routing rules (where
the exporting system's active rules sent each type). Importing it makes a draft, which goes
through approval like any other; what must be mapped locally (units and queues unknown
here, sub-case types no rule here routes) is reported, not guessed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import KEY_PATTERN as RULE_NAME_PATTERN
from lifecase_lifecycle.templates.checks import InvalidTemplate, TemplateIssue, validate_template
from lifecase_lifecycle.templates.model import Activity, FollowUp, Template
from lifecase_lifecycle.templates.source import line_map, line_of
from lifecase_platform.documents import DocumentTooComplex, load_yaml

FORMAT = "lifecase-bundle/1"
MEDIA_TYPE = "application/yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubcaseTypeNote(_Strict):
    """A sub-case type the template opens, and the unit it was written for."""

    type: str = Field(max_length=100)
    title: Localized
    unit_hint: str | None = Field(default=None, max_length=100)


class ExampleRule(_Strict):
    """A routing rule that sends one sub-case type where the exporting system sent it."""

    name: str = Field(pattern=RULE_NAME_PATTERN)
    condition: str = Field(max_length=2000)
    queue: str = Field(max_length=63)


class Bundle(_Strict):
    format: Literal["lifecase-bundle/1"]
    exported_at: datetime
    source_version: int = Field(ge=1)
    documentation: Localized
    template: dict[str, Any]
    subcase_types: list[SubcaseTypeNote] = Field(default=[], max_length=500)
    example_rules: list[ExampleRule] = Field(default=[], max_length=500)


def subcase_types(template: Template) -> list[SubcaseTypeNote]:
    """Every sub-case type the template can open, once, in template order."""
    seen: dict[str, SubcaseTypeNote] = {}
    items: list[Activity | FollowUp] = [*template.activities, *template.on_withdraw]
    for item in items:
        seen.setdefault(
            item.subcase_type,
            SubcaseTypeNote(type=item.subcase_type, title=item.title, unit_hint=item.unit_hint),
        )
    return list(seen.values())


def make_bundle(
    template: Template, *, version: int, queues: dict[str, str], now: datetime
) -> Bundle:
    """``queues``: sub-case type -> the queue the exporting system's rules send it to
    (empty when routing could not be asked: the bundle then has no example rules)."""
    types = subcase_types(template)
    return Bundle(
        format=FORMAT,
        exported_at=now,
        source_version=version,
        documentation=_documentation(template, types),
        template=template.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        subcase_types=types,
        example_rules=[
            ExampleRule(
                name=f"{template.key}-{t.type}".replace(".", "-").replace("_", "-")[:63],
                condition=f'subcase_type == "{t.type}"',
                queue=queues[t.type],
            )
            for t in types
            if t.type in queues
        ],
    )


def _documentation(template: Template, types: list[SubcaseTypeNote]) -> Localized:
    def text(language: Literal["da", "en"]) -> str:
        heading = "Delsager" if language == "da" else "Sub-cases"
        lines = [getattr(template.description, language), "", f"{heading}:"]
        lines += [f"- {getattr(t.title, language)} ({t.type})" for t in types]
        return "\n".join(lines)

    return Localized(da=text("da"), en=text("en"))


def bundle_name(key: str, version: int) -> str:
    """The file name a bundle is saved under."""
    return f"lifecase-{key}-v{version}.bundle.yaml"


def bundle_yaml(bundle: Bundle) -> str:
    document = bundle.model_dump(mode="json", exclude_defaults=False)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def read_bundle(text: str) -> tuple[Bundle, Template]:
    """A bundle and its template, checked as a template sent to the API is checked; every
    problem carries the line it stands on."""
    try:
        document, root = load_yaml(text)
    except DocumentTooComplex as error:
        raise InvalidTemplate([TemplateIssue(loc=(), message=str(error))]) from error
    except yaml.YAMLError as error:
        raise InvalidTemplate(
            [TemplateIssue(loc=(), message=f"not valid YAML: {getattr(error, 'problem', error)}")]
        ) from error
    lines = line_map(root)
    try:
        bundle = Bundle.model_validate(document)
    except ValidationError as error:
        raise InvalidTemplate(
            [
                TemplateIssue(
                    loc=tuple(e["loc"]),
                    message=_bundle_message(e["loc"], e["msg"]),
                    line=line_of(tuple(e["loc"]), lines),
                )
                for e in error.errors()
            ]
        ) from error
    try:
        template = validate_template(bundle.template)
    except InvalidTemplate as invalid:
        raise InvalidTemplate(
            [
                TemplateIssue(
                    loc=("template", *i.loc),
                    message=i.message,
                    line=line_of(("template", *i.loc), lines),
                )
                for i in invalid.issues
            ]
        ) from invalid
    return bundle, template


def _bundle_message(loc: tuple[Any, ...], message: str) -> str:
    if loc == ("format",):
        return f"not a lifecase bundle (format must be {FORMAT!r})"
    return message
