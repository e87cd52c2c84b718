"""Parsing untrusted YAML and JSON within a budget.

``yaml.safe_load`` expands aliases without limit: a few hundred bytes of nested anchors
become gigabytes once constructed, and deep nesting exhausts the interpreter's recursion
limit. Here a document is first composed into its node graph (linear in the text, aliases
stay shared), then measured as if every alias were expanded, and only constructed when it
fits. JSON gets the same depth and size limits."""

from __future__ import annotations

import json
from typing import Any

import yaml

MAX_NODES = 20_000
MAX_DEPTH = 64


class DocumentTooComplex(ValueError):
    """The document is nested too deeply or expands to too many values."""


class NotANumber(ValueError):
    """The JSON holds NaN or Infinity, which JSON itself does not allow."""


def load_yaml(
    text: str, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> tuple[Any, yaml.Node | None]:
    """The document and its root node (for line numbers); ``yaml.YAMLError`` if it is not
    YAML, ``DocumentTooComplex`` if it exceeds the budget."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError as error:
            raise DocumentTooComplex(_too_deep(max_depth)) from error
        if node is None:
            return None, None
        measure(node, max_nodes=max_nodes, max_depth=max_depth)
        return loader.construct_document(node), node
    finally:
        loader.dispose()


def measure(root: yaml.Node, *, max_nodes: int, max_depth: int) -> tuple[int, int]:
    """(values, depth) of the document with every alias expanded, computed once per distinct
    node, so an alias bomb costs as much to measure as its text is long."""
    sizes: dict[int, tuple[int, int]] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not children_done:
            if key in on_path:
                raise DocumentTooComplex("The document refers to itself.")
            on_path.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        on_path.discard(key)
        count = 1 + sum(sizes[id(c)][0] for c in children)
        depth = 1 + max((sizes[id(c)][1] for c in children), default=0)
        if count > max_nodes:
            raise DocumentTooComplex(_too_many(max_nodes))
        if depth > max_depth:
            raise DocumentTooComplex(_too_deep(max_depth))
        sizes[key] = (count, depth)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_json(text: str | bytes, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> Any:
    """Parsed JSON; ``ValueError`` if it is not JSON (``NotANumber`` for NaN and Infinity),
    ``DocumentTooComplex`` if it exceeds the budget."""
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise DocumentTooComplex(_too_deep(max_depth)) from error
    check_json_budget(document, max_nodes=max_nodes, max_depth=max_depth)
    return document


def check_json_budget(
    document: Any, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH
) -> None:
    """Refuse parsed JSON that is nested deeper or holds more values than allowed."""
    count = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > max_depth:
            raise DocumentTooComplex(_too_deep(max_depth))
        if count > max_nodes:
            raise DocumentTooComplex(_too_many(max_nodes))
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _refuse_constant(name: str) -> Any:
    raise NotANumber(f"{name} is not a number JSON allows")


def _too_many(max_nodes: int) -> str:
    return f"The document has more than {max_nodes} values."


def _too_deep(max_depth: int) -> str:
    return f"The document is nested more than {max_depth} levels deep."
