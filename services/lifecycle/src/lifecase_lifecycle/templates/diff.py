"""What changed between two versions of a template, as an approver reads it: fields,
activities and withdrawal follow-ups matched by their keys, and for each one the parts that
differ (a condition, a trigger's date, a due rule, the fields carried), written the way the
template's YAML writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from lifecase_lifecycle.templates.model import Template

Section = Literal["template", "fields", "activities", "on_withdraw"]
Kind = Literal["added", "removed", "changed", "reordered"]
SECTIONS: tuple[Section, ...] = ("fields", "activities", "on_withdraw")


@dataclass(frozen=True)
class Part:
    """One attribute that differs; ``before``/``after`` are None where it is absent."""

    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Change:
    section: Section
    key: str
    kind: Kind
    parts: list[Part] = field(default_factory=list)


def diff(before: Template | None, after: Template) -> list[Change]:
    """Every difference from ``before`` (None: nothing published yet) to ``after``, in the
    order the template lists them."""
    if before is None:
        return [
            Change(section, item["key"], "added", _parts({}, item))
            for section in SECTIONS
            for item in _items(after, section)
        ]
    changes: list[Change] = []
    head = _parts(_head(before), _head(after))
    if head:
        changes.append(Change("template", after.key, "changed", head))
    for section in SECTIONS:
        old = {item["key"]: item for item in _items(before, section)}
        new = {item["key"]: item for item in _items(after, section)}
        for key, item in new.items():
            if key not in old:
                changes.append(Change(section, key, "added", _parts({}, item)))
            elif parts := _parts(old[key], item):
                changes.append(Change(section, key, "changed", parts))
        changes.extend(Change(section, key, "removed") for key in old if key not in new)
        kept_before = [key for key in old if key in new]
        kept_after = [key for key in new if key in old]
        if kept_before != kept_after:
            changes.append(
                Change(
                    section,
                    "",
                    "reordered",
                    [Part("order", _text(kept_before), _text(kept_after))],
                )
            )
    return changes


def _items(template: Template, section: Section) -> list[dict[str, Any]]:
    items: list[BaseModel] = getattr(template, section)
    return [_plain(item) for item in items]


def _head(template: Template) -> dict[str, Any]:
    return {"title": _plain(template.title), "description": _plain(template.description)}


def _plain(model: BaseModel) -> dict[str, Any]:
    """The item as its YAML says it: aliases, and only what differs from the defaults."""
    return model.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def _parts(old: dict[str, Any], new: dict[str, Any]) -> list[Part]:
    names = list(new) + [name for name in old if name not in new]
    return [
        Part(name, _text(old.get(name)), _text(new.get(name)))
        for name in names
        if name != "key" and old.get(name) != new.get(name)
    ]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    dumped: str = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000
    )
    return dumped.strip().removesuffix("...").strip()
