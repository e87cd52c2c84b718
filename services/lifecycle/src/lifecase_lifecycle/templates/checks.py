"""What pydantic cannot check in a template: unknown references, bad expressions, cycles and
unreachable activities; and ``validate_template``, which reports every problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from lifecase_lifecycle.templates.model import InputField, Template
from lifecase_platform.errors import field_error
from lifecase_platform.expressions import ExpressionError, compile_expression


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in a template: where (path, and YAML line when known) and what."""

    loc: tuple[str | int, ...]
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """A 422 entry (``field_error``) with the YAML line it points at."""
        return {**field_error(self.loc, self.message, "template"), "line": self.line}

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{'.'.join(str(p) for p in self.loc)}: {self.message}"


class InvalidTemplate(ValueError):
    def __init__(self, issues: list[TemplateIssue]) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


def check_template(template: Template) -> list[TemplateIssue]:
    """Problems pydantic cannot see: references, expressions, cycles, reachability."""
    issues: list[TemplateIssue] = []
    fields = {f.key: f for f in template.fields if f.type != "group"}
    groups = template.groups
    dates = set(template.date_fields)
    activities = {a.key: a for a in template.activities}

    def row_fields(group: str | None) -> tuple[dict[str, InputField], set[str]]:
        """The fields an activity may name, and its date fields: those of the case, and
        for one running ``for_each`` row of a group, the row's as ``group.field``."""
        if group not in groups:
            return fields, dates
        subs = {f"{group}.{f.key}": f for f in groups[group].fields or []}
        return {**fields, **subs}, dates | {k for k, f in subs.items() if f.type == "date"}

    def issue(*loc: str | int, message: str) -> None:
        issues.append(TemplateIssue(loc=loc, message=message))

    for kind, keys in (
        ("fields", [f.key for f in template.fields]),
        ("activities", [a.key for a in template.activities]),
        ("on_withdraw", [f.key for f in template.on_withdraw]),
    ):
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if key in seen:
                issue(kind, i, "key", message=f"duplicate key '{key}'")
            seen.add(key)
    for i, f in enumerate(template.fields):
        if f.shown_if is not None and f.shown_if.field not in fields:
            issue("fields", i, "shown_if", "field", message=f"unknown field '{f.shown_if.field}'")
        if f.not_before is not None and f.not_before not in dates - {f.key}:
            issue("fields", i, "not_before", message=f"'{f.not_before}' is not another date field")
        _check_group(issue, i, f)
    for i, a in enumerate(template.activities):
        if a.for_each is not None and a.for_each not in groups:
            issue("activities", i, "for_each", message=f"'{a.for_each}' is not a group field")
        visible, visible_dates = row_fields(a.for_each)
        _check_carries(issue, ("activities", i), a.carries, visible)
        if a.when is not None:
            try:
                compile_expression(a.when, known=fields)
            except ExpressionError as error:
                issue("activities", i, "when", message=f"bad expression: {error}")
        for j, other in enumerate(a.trigger.after):
            if other not in activities:
                issue("activities", i, "trigger", "after", j, message=f"unknown activity '{other}'")
            elif other == a.key:
                issue("activities", i, "trigger", "after", j, message="waits for itself")
        if a.trigger.date is not None and a.trigger.date.field not in visible_dates:
            issue(
                "activities",
                i,
                "trigger",
                "date",
                "field",
                message=f"'{a.trigger.date.field}' is not a date field",
            )
        if a.due and a.due.from_field is not None and a.due.from_field not in visible_dates:
            issue(
                "activities", i, "due", "from", message=f"'{a.due.from_field}' is not a date field"
            )
    for i, follow_up in enumerate(template.on_withdraw):
        if follow_up.if_resolved not in activities:
            issue(
                "on_withdraw",
                i,
                "if_resolved",
                message=f"unknown activity '{follow_up.if_resolved}'",
            )
        if follow_up.key in activities:
            issue("on_withdraw", i, "key", message=f"'{follow_up.key}' is also an activity key")
        resolved = activities.get(follow_up.if_resolved)
        visible, visible_dates = row_fields(resolved.for_each if resolved else None)
        _check_carries(issue, ("on_withdraw", i), follow_up.carries, visible)
        due = follow_up.due
        if due and due.from_field is not None and due.from_field not in visible_dates:
            issue(
                "on_withdraw", i, "due", "from", message=f"'{due.from_field}' is not a date field"
            )
    issues.extend(_graph_issues(template))
    return issues


def _check_carries(
    issue: Any, loc: tuple[str | int, ...], carries: list[str], fields: dict[str, InputField]
) -> None:
    for j, key in enumerate(carries):
        if key not in fields:
            issue(*loc, "carries", j, message=f"unknown field '{key}'")


def _check_group(issue: Any, i: int, group: InputField) -> None:
    """A group's sub-fields: unique keys, dates in order among themselves, no conditions
    (a row is there or not)."""
    subs = group.fields or []
    keys = [f.key for f in subs]
    sub_dates = {f.key for f in subs if f.type == "date"}
    for j, sub in enumerate(subs):
        if keys.index(sub.key) != j:
            issue("fields", i, "fields", j, "key", message=f"duplicate key '{sub.key}'")
        if sub.shown_if is not None:
            issue("fields", i, "fields", j, "shown_if", message="not allowed in a group's fields")
        if sub.not_before is not None and sub.not_before not in sub_dates - {sub.key}:
            issue(
                "fields",
                i,
                "fields",
                j,
                "not_before",
                message=f"'{sub.not_before}' is not another date field of the group",
            )


def _graph_issues(template: Template) -> list[TemplateIssue]:
    """Cycles in the ``after`` graph, and activities that can never open."""
    index = {a.key: i for i, a in enumerate(template.activities)}
    after = {a.key: [k for k in a.trigger.after if k in index] for a in template.activities}
    issues: list[TemplateIssue] = []
    state: dict[str, str] = {}
    blocked: set[str] = set()

    def visit(key: str, path: list[str]) -> bool:
        """True if ``key`` can open (no cycle or never-opening prerequisite behind it)."""
        if state.get(key) == "done":
            return key not in blocked
        if state.get(key) == "active":
            cycle = [*path[path.index(key) :], key]
            issues.append(
                TemplateIssue(
                    loc=("activities", index[key], "trigger", "after"),
                    message=f"cycle: {' → '.join(cycle)}",
                )
            )
            blocked.add(key)
            return False
        state[key] = "active"
        ok = all([visit(dep, [*path, key]) for dep in after[key]])
        state[key] = "done"
        if not ok:
            blocked.add(key)
        return ok

    for a in template.activities:
        visit(a.key, [])
    for a in template.activities:
        if a.when is not None and _constant_false(a.when):
            issues.append(
                TemplateIssue(
                    loc=("activities", index[a.key], "when"),
                    message="unreachable: the condition is always false",
                )
            )
        elif a.key in blocked and not any(
            i.message.startswith("cycle") and i.loc[1] == index[a.key] for i in issues
        ):
            issues.append(
                TemplateIssue(
                    loc=("activities", index[a.key], "trigger", "after"),
                    message="unreachable: waits for an activity that can never open",
                )
            )
    return issues


def _constant_false(source: str) -> bool:
    try:
        expression = compile_expression(source)
        return not expression.variables and expression.evaluate({}) is False
    except ExpressionError:
        return False


def validate_template(document: Any) -> Template:
    """A template from parsed YAML/JSON, or ``InvalidTemplate`` listing every problem."""
    try:
        template = Template.model_validate(document)
    except ValidationError as error:
        raise InvalidTemplate(
            [TemplateIssue(loc=tuple(e["loc"]), message=e["msg"]) for e in error.errors()]
        ) from error
    issues = check_template(template)
    if issues:
        raise InvalidTemplate(issues)
    return template
