"""`lifecase rules validate` checks a rule file offline and names every problem."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lifecase_embedded.cli import app

RUNNER = CliRunner()


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_valid_rule_file_passes(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "fallback_queue: triage\n"
        "rules:\n"
        "  - name: payroll-by-type\n"
        '    condition: subcase_type.startsWith("payroll.")\n'
        "    queue: payroll\n",
    )
    result = RUNNER.invoke(app, ["rules", "validate", path])
    assert result.exit_code == 0, result.output
    assert "ok: 1 rules, fallback queue triage" in result.output


def test_every_problem_of_a_rule_file_is_named(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "fallback_queue: triage\n"
        "rules:\n"
        "  - {name: a, condition: 'shoe_size > 4', queue: hr}\n"
        "  - {name: a, condition: 'subcase_type ==', queue: hr}\n",
    )
    result = RUNNER.invoke(app, ["rules", "validate", path])
    assert result.exit_code == 1
    assert "rules.0.condition: 'shoe_size > 4' uses unknown names: shoe_size" in result.output
    assert "rules.1.name: the name is used twice" in result.output
    assert "rules.1.condition:" in result.output


def test_a_file_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["rules", "validate", _file(tmp_path, "rules: nope\n")])
    assert result.exit_code == 1
    assert "fallback_queue" in result.output
