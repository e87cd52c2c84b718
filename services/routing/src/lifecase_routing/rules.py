"""Routing rules: ordered CEL conditions, first match wins, a triage queue catches the rest.
Pure logic: compiling and checking a rule set, routing one sub-case, dry-running a candidate.

A condition reads ``subcase_type``, ``department`` (the reporter's), ``unit_hint`` (the
template's) and ``fields`` (the carried fields, a map), e.g.
``subcase_type.startsWith("payroll.") && has(fields.weekly_hours) && fields.weekly_hours < 15``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lifecase_contracts.workspace import RuleSetSpec
from lifecase_platform.errors import field_error
from lifecase_platform.expressions import Expression, ExpressionError, compile_expression

KNOWN_NAMES = ("subcase_type", "department", "unit_hint", "fields")
FALLBACK_RULE = "fallback"
TRANSFER_RULE = "transfer"
RESERVED_NAMES = frozenset({FALLBACK_RULE, TRANSFER_RULE})


@dataclass(frozen=True)
class Subject:
    """What a rule can see of a sub-case."""

    subcase_type: str
    department: str | None = None
    unit_hint: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)

    def context(self) -> dict[str, Any]:
        return {
            "subcase_type": self.subcase_type,
            "department": self.department,
            "unit_hint": self.unit_hint,
            "fields": dict(self.fields),
        }


@dataclass(frozen=True)
class CompiledRule:
    name: str
    queue: str
    condition: Expression


@dataclass(frozen=True)
class Decision:
    queue: str
    rule: str
    errors: tuple[str, ...] = ()  # rules whose condition failed to evaluate (skipped)


@dataclass(frozen=True)
class CompiledRuleSet:
    rules: tuple[CompiledRule, ...]
    fallback_queue: str

    def route(self, subject: Subject) -> Decision:
        """The first rule whose condition holds; a rule that fails to evaluate is skipped."""
        context = subject.context()
        errors: list[str] = []
        for rule in self.rules:
            try:
                if rule.condition.holds(context):
                    return Decision(rule.queue, rule.name, tuple(errors))
            except ExpressionError:
                errors.append(rule.name)
        return Decision(self.fallback_queue, FALLBACK_RULE, tuple(errors))


@dataclass(frozen=True)
class RuleProblem:
    """Where a rule set is wrong, as a field error of the request body."""

    loc: tuple[str | int, ...]
    msg: str
    type: str

    def as_field_error(self) -> dict[str, Any]:
        return field_error(["body", *self.loc], self.msg, self.type)


class InvalidRuleSet(ValueError):
    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems))
        self.problems = list(problems)


def compile_rule_set(spec: RuleSetSpec, queues: Iterable[str] | None = None) -> CompiledRuleSet:
    """Compile every condition and check names and (if given) queues; InvalidRuleSet lists
    every problem at once, so an admin fixes a file in one round."""
    known_queues = None if queues is None else set(queues)
    problems: list[RuleProblem] = []
    compiled: list[CompiledRule] = []
    seen: set[str] = set()
    for index, rule in enumerate(spec.rules):
        where = ("rules", index)
        if rule.name in RESERVED_NAMES:
            problems.append(RuleProblem((*where, "name"), "the name is reserved", "reserved"))
        elif rule.name in seen:
            problems.append(RuleProblem((*where, "name"), "the name is used twice", "duplicate"))
        seen.add(rule.name)
        if known_queues is not None and rule.queue not in known_queues:
            problems.append(RuleProblem((*where, "queue"), "no such queue", "unknown_queue"))
        try:
            condition = compile_expression(rule.condition, known=KNOWN_NAMES)
        except ExpressionError as error:
            problems.append(RuleProblem((*where, "condition"), str(error), "expression"))
            continue
        compiled.append(CompiledRule(name=rule.name, queue=rule.queue, condition=condition))
    if known_queues is not None and spec.fallback_queue not in known_queues:
        problems.append(RuleProblem(("fallback_queue",), "no such queue", "unknown_queue"))
    if problems:
        raise InvalidRuleSet(problems)
    return CompiledRuleSet(rules=tuple(compiled), fallback_queue=spec.fallback_queue)


@dataclass(frozen=True)
class PastItem:
    """A sub-case routed before, and the queue it is in now (after any transfers)."""

    queue: str
    subject: Subject


@dataclass
class DryRun:
    evaluated: int = 0
    unchanged: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    move_rules: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    rule_errors: Counter[str] = field(default_factory=Counter)

    @property
    def moved(self) -> int:
        return sum(self.moves.values())


def dry_run(candidate: CompiledRuleSet, items: Iterable[PastItem]) -> DryRun:
    """Where ``candidate`` would put each past item, compared with the queue it is in now:
    a transferred item that the candidate routes straight to its final queue is unchanged,
    which is how a rule fix shows that it would have spared the transfer."""
    result = DryRun()
    for item in items:
        decision = candidate.route(item.subject)
        result.evaluated += 1
        result.rule_errors.update(decision.errors)
        if decision.queue == item.queue:
            result.unchanged += 1
        else:
            result.moves[(item.queue, decision.queue)] += 1
            result.move_rules[(item.queue, decision.queue)].add(decision.rule)
    return result
