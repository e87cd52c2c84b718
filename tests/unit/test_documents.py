"""Untrusted YAML and JSON are parsed within a budget: bombs and deep nesting are refused
quickly and without growing the process, ordinary documents load unchanged."""

from __future__ import annotations

import time

import pytest
import yaml

from lifecase_platform.documents import DocumentTooComplex, NotANumber, load_json, load_yaml


def alias_bomb(levels: int) -> str:
    """The classic "billion laughs": each level repeats the previous one nine times."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 9, 30])
def test_an_alias_bomb_is_refused_before_it_is_expanded(levels: int) -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentTooComplex, match="more than 20000 values"):
        load_yaml(alias_bomb(levels))
    assert time.perf_counter() - started < 0.5


def test_a_few_shared_anchors_are_fine() -> None:
    document, node = load_yaml(alias_bomb(2))
    assert len(document["a2"]) == 9
    assert document["a2"][0] == [["lol"] * 9] * 9
    assert node is not None and node.start_mark.line == 0


def test_a_self_referencing_document_is_refused() -> None:
    with pytest.raises(DocumentTooComplex, match="refers to itself"):
        load_yaml("a: &a [*a]\n")


@pytest.mark.parametrize("depth", [65, 5_000])
def test_deep_yaml_nesting_is_refused(depth: int) -> None:
    with pytest.raises(DocumentTooComplex, match="nested more than 64 levels"):
        load_yaml("[" * depth + "]" * depth)


def test_yaml_that_is_not_yaml_raises_the_yaml_error() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("key: [unclosed")


def test_an_empty_yaml_document_is_none() -> None:
    assert load_yaml("") == (None, None)


@pytest.mark.parametrize("depth", [65, 100_000])
def test_deep_json_nesting_is_refused(depth: int) -> None:
    with pytest.raises(DocumentTooComplex, match="nested more than 64 levels"):
        load_json("[" * depth + "]" * depth)


def test_json_with_too_many_values_is_refused() -> None:
    with pytest.raises(DocumentTooComplex, match="more than 20000 values"):
        load_json("[" + ",".join(["1"] * 20_001) + "]")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_refuses_non_numbers(constant: str) -> None:
    with pytest.raises(NotANumber, match="not a number JSON allows"):
        load_json(f'{{"weekly_hours": {constant}}}')


def test_ordinary_json_loads() -> None:
    assert load_json('{"a": [1, 2, {"b": null}]}') == {"a": [1, 2, {"b": None}]}
