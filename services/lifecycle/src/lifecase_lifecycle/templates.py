"""The life-cycle template model: data, validated by pydantic, never code.

A template declares a life event's typed input fields (and which are personal data) and the
activities it expands into. Each activity opens one sub-case for a unit when its ``when``
condition (CEL) holds and its trigger fires: at once, after other activities are done, or at
a date relative to a date field. ``on_withdraw`` lists follow-ups that reverse finished work
when the reporter withdraws the case.

``check_template`` finds what pydantic cannot: unknown references, bad expressions, cycles
and unreachable activities. ``parse_template`` reports every problem with the YAML line it
stands on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lifecase_contracts.events import Localized
from lifecase_platform.documents import DocumentTooComplex, load_yaml
from lifecase_platform.expressions import ExpressionError, compile_expression
from lifecase_platform.workdays import WorkdayCalendar

FieldType = Literal["text", "number", "date", "boolean", "choice", "email", "cpr", "department"]
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
# No number field of a life event needs more; beyond it, arithmetic and storage misbehave.
NUMBER_LIMIT = 1_000_000_000
CATALOGUE_DIR = Path(__file__).parent / "catalogue"


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


@dataclass(frozen=True)
class TemplateIssue:
    """One problem in a template: where (path, and YAML line when known) and what."""

    loc: tuple[str | int, ...]
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.message, "line": self.line}

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
    fields = {f.key: f for f in template.fields}
    dates = set(template.date_fields)
    activities = {a.key: a for a in template.activities}

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
    for i, a in enumerate(template.activities):
        _check_carries(issue, ("activities", i), a.carries, fields)
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
        if a.trigger.date is not None and a.trigger.date.field not in dates:
            issue(
                "activities",
                i,
                "trigger",
                "date",
                "field",
                message=f"'{a.trigger.date.field}' is not a date field",
            )
        if a.due and a.due.from_field is not None and a.due.from_field not in dates:
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
        _check_carries(issue, ("on_withdraw", i), follow_up.carries, fields)
        due = follow_up.due
        if due and due.from_field is not None and due.from_field not in dates:
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


def parse_template(text: str) -> Template:
    """A template from YAML (or JSON) text; problems carry the line they stand on. Aliases,
    size and nesting are bounded (``lifecase_platform.documents``)."""
    try:
        document, root = load_yaml(text)
    except DocumentTooComplex as error:
        raise InvalidTemplate([TemplateIssue(loc=(), message=str(error))]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InvalidTemplate(
            [
                TemplateIssue(
                    loc=(),
                    message=f"not valid YAML: {getattr(error, 'problem', error)}",
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from error
    lines = _line_map(root)
    try:
        return validate_template(document)
    except InvalidTemplate as invalid:
        raise InvalidTemplate(
            [
                TemplateIssue(loc=i.loc, message=i.message, line=_line_of(i.loc, lines))
                for i in invalid.issues
            ]
        ) from invalid


def _line_map(root: yaml.Node | None) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every mapping key and sequence item in a composed YAML document
    (already measured, so the walk is bounded)."""
    lines: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())] if root else []
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                lines[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    return lines


def _line_of(loc: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def load_template(path: Path) -> Template:
    return parse_template(path.read_text(encoding="utf-8"))


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[Template]:
    return [load_template(p) for p in sorted(directory.glob("*.yaml"))]


def to_yaml(template: Template) -> str:
    document = json.loads(template.model_dump_json(by_alias=True, exclude_defaults=True))
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def template_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the template format (docs/templates/template.schema.json)."""
    schema = Template.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://lifecase.dk/schemas/template.schema.json"
    return schema


# -- Planning: pure functions the workflow's activities use -----------------------------


@dataclass(frozen=True)
class PlannedActivity:
    key: str
    included: bool
    after: tuple[str, ...]
    opens_on: date | None
    due_rule: DueRule | None


def plan(template: Template, data: dict[str, Any]) -> list[PlannedActivity]:
    """For each activity: whether its condition holds for ``data``, what it waits for, and
    from which date it may open."""
    return [
        PlannedActivity(
            key=a.key,
            included=a.when is None or compile_expression(a.when).holds(data),
            after=tuple(a.trigger.after),
            opens_on=_offset(data, a.trigger.date),
            due_rule=a.due,
        )
        for a in template.activities
    ]


def due_date(
    rule: DueRule | None,
    data: dict[str, Any],
    opened_on: date,
    calendar: WorkdayCalendar = WorkdayCalendar(),
) -> date | None:
    if rule is None:
        return None
    start = opened_on
    if rule.from_field is not None:
        value = data.get(rule.from_field)
        if not value:
            return None
        start = date.fromisoformat(value)
    return calendar.add_working_days(start, rule.working_days)


def _offset(data: dict[str, Any], offset: DateOffset | None) -> date | None:
    if offset is None or not data.get(offset.field):
        return None
    return date.fromisoformat(data[offset.field]) + timedelta(days=offset.days)
