"""Templates as YAML text: parsing, with every problem on the line it stands on, and writing
a template back out."""

from __future__ import annotations

import json

import yaml

from lifecase_lifecycle.templates.checks import InvalidTemplate, TemplateIssue, validate_template
from lifecase_lifecycle.templates.model import Template
from lifecase_platform.documents import DocumentTooComplex, load_yaml


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
    lines = line_map(root)
    try:
        return validate_template(document)
    except InvalidTemplate as invalid:
        raise InvalidTemplate(
            [
                TemplateIssue(loc=i.loc, message=i.message, line=line_of(i.loc, lines))
                for i in invalid.issues
            ]
        ) from invalid


def line_map(root: yaml.Node | None) -> dict[tuple[str | int, ...], int]:
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


def line_of(loc: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def to_yaml(template: Template) -> str:
    document = json.loads(template.model_dump_json(by_alias=True, exclude_defaults=True))
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
