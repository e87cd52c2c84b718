"""The rule editor's text: one rule per line, in the order the rules are tried, written
``name: condition -> queue``::

    hr-by-type: subcase_type.startsWith("hr.") -> hr

Blank lines and lines starting with ``#`` are skipped. The name ends at the first colon (a
name has none) and the queue starts after the last arrow (a queue key has none), so a
condition may hold both. Each problem, whether of a line's shape or of the checks the API
makes, is tied to the line it is on, so the editor can show it there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from lifecase_contracts.workspace import RuleSetPublic, RuleSetSpec, RuleSpec

COMMENT = "#"
ARROW = "->"
SHAPE = "write the rule as name: condition -> queue"


class Rule(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def condition(self) -> str: ...
    @property
    def queue(self) -> str: ...


@dataclass(frozen=True)
class LineProblem:
    """A problem with the text. ``line`` is 1-based (None: not on a line, e.g. the fallback
    queue); ``part`` is ``line`` (its shape), ``name``, ``condition``, ``queue``,
    ``fallback_queue`` or ``rules`` (the set as a whole); ``type`` is the check's stable
    code and ``message`` its own (English) words."""

    line: int | None
    part: str
    type: str
    message: str
    source: str = ""


@dataclass(frozen=True)
class ParsedRules:
    """What the text says: ``sound`` holds the rules that have no problem of their own
    (None if the set as a whole has one, e.g. no fallback queue), ``lines`` the line each of
    them is on, so that the problems the database checks find can be placed."""

    sound: RuleSetSpec | None
    lines: tuple[int, ...]
    problems: tuple[LineProblem, ...]

    @property
    def spec(self) -> RuleSetSpec | None:
        """The rule set, when no line has a problem."""
        return None if self.problems else self.sound


def rules_as_text(rules: Iterable[Rule]) -> str:
    return "\n".join(f"{rule.name}: {rule.condition} {ARROW} {rule.queue}" for rule in rules)


def spec_of(rule_set: RuleSetPublic) -> RuleSetSpec:
    """A stored version as the rules it was created from."""
    return RuleSetSpec(
        rules=[RuleSpec(name=r.name, condition=r.condition, queue=r.queue) for r in rule_set.rules],
        fallback_queue=rule_set.fallback_queue,
    )


def parse_rules(text: str, fallback_queue: str) -> ParsedRules:
    """The rules of ``text``, checked as the API checks a request body (``RuleSetSpec``);
    the checks against the database (queues, conditions) are ``rulesets``'."""
    rules: list[dict[str, str]] = []
    lines: list[int] = []
    problems: list[LineProblem] = []
    for number, written in enumerate(text.splitlines(), start=1):
        line = written.strip()
        if not line or line.startswith(COMMENT):
            continue
        name, colon, rest = line.partition(":")
        condition, arrow, queue = rest.rpartition(ARROW)
        if not colon or not arrow:
            problems.append(LineProblem(number, "line", "shape", SHAPE, line))
            continue
        rules.append({"name": name.strip(), "condition": condition.strip(), "queue": queue.strip()})
        lines.append(number)
    sound: RuleSetSpec | None
    try:
        sound = RuleSetSpec.model_validate({"rules": rules, "fallback_queue": fallback_queue})
    except ValidationError as invalid:
        placed = problems_at(invalid.errors(), lines, text)
        problems += placed
        wrong = {p.line for p in placed}
        kept = [(rule, line) for rule, line in zip(rules, lines, strict=True) if line not in wrong]
        sound = _rule_set([rule for rule, _ in kept], fallback_queue)
        lines = [line for _, line in kept]
    return ParsedRules(sound, tuple(lines), tuple(in_line_order(problems)))


def _rule_set(rules: list[dict[str, str]], fallback_queue: str) -> RuleSetSpec | None:
    try:
        return RuleSetSpec.model_validate({"rules": rules, "fallback_queue": fallback_queue})
    except ValidationError:
        return None


def in_line_order(problems: Iterable[LineProblem]) -> list[LineProblem]:
    """Top to bottom; those not on a line (the fallback queue, the whole set) last."""
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def problems_at(
    errors: Iterable[Mapping[str, Any]], lines: Sequence[int], text: str
) -> list[LineProblem]:
    """Validation errors (pydantic's, or an ``Invalid``'s: ``loc`` ``["body", "rules", 2,
    "queue"]``) placed on the lines of ``text`` that hold the rules they name."""
    source = text.splitlines()
    placed = []
    for error in errors:
        loc = [part for part in error["loc"] if part != "body"]
        index = loc[1] if len(loc) >= 3 and loc[0] == "rules" else None
        if isinstance(index, int) and 0 <= index < len(lines):
            line, part = lines[index], str(loc[2])
            written = source[line - 1].strip() if line <= len(source) else ""
        else:
            line, part, written = None, str(loc[0]) if loc else "rules", ""
        placed.append(LineProblem(line, part, str(error["type"]), str(error["msg"]), written))
    return placed
