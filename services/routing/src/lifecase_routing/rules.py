"""Routing rules: ordered, first match wins, a triage queue catches the rest. Pure logic."""

from __future__ import annotations

from fnmatch import fnmatchcase

from pydantic import BaseModel, ConfigDict

from lifecase_contracts.events import Localized


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    match: str  # a glob over the sub-case type, e.g. "payroll.*"
    queue: str


class QueueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: Localized


class UnitSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: Localized
    queues: list[QueueSpec]
    members: list[str] = []


class Organisation(BaseModel):
    """The seed file: units, queues, members and the rule set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ruleset_version: int
    units: list[UnitSpec]
    rules: list[Rule]
    fallback_queue: str


FALLBACK_RULE = "fallback"


def route(rules: list[Rule], fallback_queue: str, subcase_type: str) -> tuple[str, str]:
    """The queue for a sub-case type and the name of the rule that chose it."""
    for rule in rules:
        if fnmatchcase(subcase_type, rule.match):
            return rule.queue, rule.name
    return fallback_queue, FALLBACK_RULE
