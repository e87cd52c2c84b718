"""Repeatable groups, expanded for one case: a template whose activities run ``for_each`` row
of a group becomes, for a case's data, a plain template with one activity per row, and the
data a flat mapping with one key per row's sub-field. Everything downstream (planning, the
workflow, the events, the preview) then works on plain activities and fields.

Names are derived, never stored: row ``n`` (from 1) of group ``periods`` gives the data key
``periods_2_start`` for sub-field ``start`` and the activity key ``register_period_2`` for
activity ``register_period``. The same data always expands the same way, which keeps the
workflow deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lifecase_contracts.events import Localized
from lifecase_lifecycle.templates.model import (
    Activity,
    DateOffset,
    DueRule,
    FollowUp,
    InputField,
    Template,
    Trigger,
)


def row_key(group: str, n: int, sub: str) -> str:
    return f"{group}_{n}_{sub}"


def rows(data: dict[str, Any], group: str) -> list[dict[str, Any]]:
    value = data.get(group)
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def expand(template: Template, data: dict[str, Any]) -> tuple[Template, dict[str, Any]]:
    """``template`` and ``data`` with every group flattened and every ``for_each`` activity
    (and withdrawal follow-up of one) repeated per row. A template without groups comes
    back as it is."""
    groups = template.groups
    if not groups:
        return template, data
    counts = {key: len(rows(data, key)) for key in groups}
    flat = {k: v for k, v in data.items() if k not in groups}
    fields = [f for f in template.fields if f.type != "group"]
    for key, spec in groups.items():
        label = spec.item_label or Localized(da="Række", en="Row")
        for n, row in enumerate(rows(data, key), start=1):
            for sub in spec.fields or []:
                if sub.key in row:
                    flat[row_key(key, n, sub.key)] = row[sub.key]
                fields.append(_row_field(sub, key, n, label))
    instances = {
        a.key: Rows(a.for_each, [f"{a.key}_{n}" for n in range(1, counts[a.for_each] + 1)])
        for a in template.activities
        if a.for_each is not None
    }
    activities: list[Activity] = []
    for a in template.activities:
        if a.for_each is None:
            activities.append(_with_after(a, _after(a.trigger.after, instances, None, 0)))
            continue
        label = groups[a.for_each].item_label or Localized(da="Række", en="Row")
        for n in range(1, counts[a.for_each] + 1):
            activities.append(_instance(a, n, label, instances))
    follow_ups: list[FollowUp] = []
    for f in template.on_withdraw:
        if f.if_resolved not in instances:
            follow_ups.append(f)
            continue
        group = instances[f.if_resolved].group
        for n, resolved in enumerate(instances[f.if_resolved].keys, start=1):
            follow_ups.append(
                f.model_copy(
                    update={
                        "key": f"{f.key}_{n}",
                        "if_resolved": resolved,
                        "title": _numbered(f.title, groups[group].item_label, n),
                        "carries": [_name(c, group, n) for c in f.carries],
                        "due": _due(f.due, group, n),
                    }
                )
            )
    expanded = template.model_copy(
        update={"fields": fields, "activities": activities, "on_withdraw": follow_ups}
    )
    return expanded, flat


def _row_field(sub: InputField, group: str, n: int, label: Localized) -> InputField:
    return sub.model_copy(
        update={
            "key": row_key(group, n, sub.key),
            "label": Localized(
                da=f"{sub.label.da} ({label.da.lower()} {n})",
                en=f"{sub.label.en} ({label.en.lower()} {n})",
            ),
            "required": False,
            "shown_if": None,
            "not_before": None,
        }
    )


@dataclass(frozen=True)
class Rows:
    """The activity keys a ``for_each`` activity expands to, and the group it runs over."""

    group: str
    keys: list[str]


def _instance(a: Activity, n: int, label: Localized, instances: dict[str, Rows]) -> Activity:
    group = a.for_each
    assert group is not None
    date = a.trigger.date
    trigger = Trigger(
        after=_after(a.trigger.after, instances, group, n),
        date=DateOffset(field=_name(date.field, group, n), days=date.days) if date else None,
    )
    return a.model_copy(
        update={
            "key": f"{a.key}_{n}",
            "title": _numbered(a.title, label, n),
            "carries": [_name(c, group, n) for c in a.carries],
            "trigger": trigger,
            "due": _due(a.due, group, n),
            "for_each": None,
        }
    )


def _after(after: list[str], instances: dict[str, Rows], group: str | None, n: int) -> list[str]:
    """What an activity (of row ``n`` of ``group``, or of no group) waits for, with
    ``for_each`` activities named per row: the same row when they run over the same group,
    every row otherwise."""
    names: list[str] = []
    for key in after:
        if key not in instances:
            names.append(key)
        elif instances[key].group == group:
            names.append(f"{key}_{n}")
        else:
            names.extend(instances[key].keys)
    return names


def _with_after(a: Activity, after: list[str]) -> Activity:
    if after == a.trigger.after:
        return a
    return a.model_copy(update={"trigger": a.trigger.model_copy(update={"after": after})})


def _due(due: DueRule | None, group: str, n: int) -> DueRule | None:
    if due is None or due.from_field is None:
        return due
    return due.model_copy(update={"from_field": _name(due.from_field, group, n)})


def _name(reference: str, group: str, n: int) -> str:
    """``group.sub`` as row ``n``'s data key; any other field name as it is."""
    prefix = f"{group}."
    return (
        row_key(group, n, reference[len(prefix) :]) if reference.startswith(prefix) else reference
    )


def _numbered(title: Localized, label: Localized | None, n: int) -> Localized:
    label = label or Localized(da="Række", en="Row")
    return Localized(
        da=f"{title.da} ({label.da.lower()} {n})", en=f"{title.en} ({label.en.lower()} {n})"
    )
