"""Each service's migration files sort in the order Alembic applies them, so the newest is
the last file listed. The revision ids inside the files are what databases record, and some
are not numbers (they came from parallel branches of work): they must never change; new
migrations take the next number as their revision id and file prefix
(``alembic revision --rev-id 0007 -m "..."``, see ``docs/architecture.md``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).parents[2] / "services"


def _chain(versions: Path) -> list[str]:
    """The files from the first migration to the head, following ``down_revision``."""
    revisions = {path.name: _revision_values(path) for path in versions.glob("*.py")}
    above: dict[object, str] = {}
    for name, values in revisions.items():
        assert values["down_revision"] not in above, f"{name}: a branch in the history"
        above[values["down_revision"]] = name
    chain: list[str] = []
    revision: object = None
    while revision in above:
        chain.append(above[revision])
        revision = revisions[chain[-1]]["revision"]
    assert len(chain) == len(revisions), "migrations that no chain reaches"
    return chain


def _revision_values(path: Path) -> dict[str, object]:
    """The module-level ``revision`` and ``down_revision`` of a migration file."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = ast.literal_eval(value)
    return values


@pytest.mark.parametrize("service", ["intake", "lifecycle", "routing", "notifications", "insight"])
def test_migration_files_sort_in_the_order_they_apply(service: str) -> None:
    versions = SERVICES / service / "src" / f"lifecase_{service}" / "migrations" / "versions"
    chain = _chain(versions)
    assert chain == sorted(chain)
    assert [name[:4] for name in chain] == [f"{i:04d}" for i in range(1, len(chain) + 1)]
