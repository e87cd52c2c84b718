"""The documentation points at code that exists: every ``path::function`` in
``docs/architecture.md`` names a file and a function or class defined in it, and every
repository path quoted in the docs and ADRs exists. A rename that forgets the docs fails
here instead of misleading the next newcomer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
DOCS = [
    ARCHITECTURE,
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "adr").glob("*.md")),
    *sorted(ROOT.glob("*/README.md")),
]
# Quoted paths inside the repository (not runtime files such as .lifecase/...).
TOP_LEVEL = ("services/", "libs/", "infra/", "tests/", "bench/", "docs/", "tools/", ".ci/")
# What commands write (``lifecase certs``), not the repository.
GENERATED = ("infra/certs/",)
QUOTED = re.compile(r"`([A-Za-z0-9_./-]+)(?:::([A-Za-z_][\w.]*))?`")


def _defined(path: Path) -> set[str]:
    """Qualified names of the classes and functions a module defines (``Class.method``)."""
    names: set[str] = set()

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(prefix + node.name)
                if isinstance(node, ast.ClassDef):
                    walk(node.body, f"{prefix}{node.name}.")

    walk(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return names


def _references(doc: Path) -> list[tuple[str, str | None]]:
    return [
        (path.rstrip("/"), name)
        for path, name in QUOTED.findall(doc.read_text(encoding="utf-8"))
        if path.startswith(TOP_LEVEL) and not path.startswith(GENERATED) and "*" not in path
    ]


def test_the_architecture_page_names_functions_that_exist() -> None:
    named = [(path, name) for path, name in _references(ARCHITECTURE) if name]
    assert len(named) >= 20, "the flow of a case should name the function of each hop"
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not (ROOT / path).is_file() or name not in _defined(ROOT / path)
    ]
    assert missing == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_quoted_repository_paths_exist(doc: Path) -> None:
    missing = sorted({path for path, _ in _references(doc) if not (ROOT / path).exists()})
    assert missing == [], f"{doc.relative_to(ROOT)} quotes paths that do not exist"
