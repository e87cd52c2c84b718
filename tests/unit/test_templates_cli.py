"""`lifecase templates validate` checks files offline and names every problem's line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lifecase_embedded.cli import app
from lifecase_lifecycle.templates import CATALOGUE_DIR

BROKEN = """\
key: broken
title: {da: X, en: X}
description: {da: x, en: x}
fields:
  - {key: start, type: date, label: {da: S, en: S}}
activities:
  - key: one
    subcase_type: hr.one
    title: {da: En, en: One}
    when: "start &&& x"
    carries: [shoe_size]
"""


def test_the_catalogue_validates() -> None:
    result = CliRunner().invoke(
        app, ["templates", "validate", *map(str, sorted(CATALOGUE_DIR.glob("*.yaml")))]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok (") == 5


def test_a_broken_template_fails_with_each_problem_and_its_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(app, ["templates", "validate", str(file)])
    assert result.exit_code == 1
    assert f"{file}:line 10: activities.0.when: bad expression" in result.output
    assert f"{file}:line 11: activities.0.carries.0: unknown field 'shoe_size'" in result.output
