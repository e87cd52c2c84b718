"""``lifecase rules``: an admin's routing rules as a file. ``export`` the active rules, edit
them, ``validate`` the file offline, ``dry-run`` it against past sub-cases, ``apply`` it as
the next rule-set version. A rule file is YAML (or JSON)::

    fallback_queue: triage
    rules:
      - name: payroll-by-type
        condition: subcase_type.startsWith("payroll.")
        queue: payroll
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from pydantic import ValidationError

from lifecase_contracts.workspace import RuleSetSpec
from lifecase_embedded.api_client import admin_client, answer, fail
from lifecase_routing.rules import InvalidRuleSet, compile_rule_set

app = typer.Typer(help="Routing rules: export, validate, dry-run and apply a rule file.")

Url = Annotated[str, typer.Option(envvar="LIFECASE_URL", help="lifecase's base URL")]
Token = Annotated[str | None, typer.Option(envvar="LIFECASE_TOKEN", help="an admin's bearer token")]
User = Annotated[
    str, typer.Option(help="embedded mode without --token: sign in as this demo admin")
]
RuleFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
DEFAULT_URL = "http://127.0.0.1:8000"


def load_rule_file(path: Path) -> RuleSetSpec:
    """Parse and check the shape of a rule file; conditions are compiled by ``check``."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return RuleSetSpec.model_validate(doc)


def check(spec: RuleSetSpec) -> list[str]:
    """Every problem a server would refuse that can be known offline (queues aside)."""
    try:
        compile_rule_set(spec)
    except InvalidRuleSet as invalid:
        return [f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in invalid.problems]
    return []


def _spec_or_exit(path: Path) -> RuleSetSpec:
    try:
        spec = load_rule_file(path)
    except (ValidationError, yaml.YAMLError) as error:
        fail([str(error)])
    problems = check(spec)
    if problems:
        fail(problems)
    return spec


@app.command()
def validate(file: RuleFile) -> None:
    """Check a rule file offline: its shape, names and CEL conditions."""
    spec = _spec_or_exit(file)
    typer.echo(f"ok: {len(spec.rules)} rules, fallback queue {spec.fallback_queue}")


@app.command("dry-run")
def dry_run(
    file: RuleFile,
    url: Url = DEFAULT_URL,
    token: Token = None,
    user: User = "ada",
    limit: Annotated[int, typer.Option(help="how many recent sub-cases to replay")] = 10_000,
) -> None:
    """Show where the file's rules would put recent sub-cases; nothing is saved."""
    spec = _spec_or_exit(file)
    with admin_client(url, token, user) as http:
        report = answer(
            http.post(
                "/api/v1/routing/dry-run",
                params={"limit": limit},
                json=spec.model_dump(mode="json"),
            )
        )
    typer.echo(report["summary"]["en"])
    for move in report["moves"]:
        typer.echo(
            f"  {move['count']:>6}  {move['from_queue']} -> {move['to_queue']}"
            f"  ({', '.join(move['rules'])})"
        )
    for rule, count in report["rule_errors"].items():
        typer.echo(f"  warning: {rule} failed to evaluate on {count} sub-cases", err=True)


@app.command()
def apply(file: RuleFile, url: Url = DEFAULT_URL, token: Token = None, user: User = "ada") -> None:
    """Save the file's rules as the next rule-set version; routing uses it at once."""
    spec = _spec_or_exit(file)
    with admin_client(url, token, user) as http:
        saved = answer(http.post("/api/v1/routing/rule-sets", json=spec.model_dump(mode="json")))
    typer.echo(f"rule set version {saved['version']} is active ({len(saved['rules'])} rules)")


@app.command()
def export(url: Url = DEFAULT_URL, token: Token = None, user: User = "ada") -> None:
    """Print the active rules as a rule file, with each rule's routed and miss counts."""
    with admin_client(url, token, user) as http:
        active = answer(http.get("/api/v1/routing/rule-sets/active"))
    lines = [f"# rule-set version {active['version']}; per rule: routed / transferred away"]
    doc = {
        "fallback_queue": active["fallback_queue"],
        "rules": [
            {"name": r["name"], "condition": r["condition"], "queue": r["queue"]}
            for r in active["rules"]
        ],
    }
    for rule in active["rules"]:
        lines.append(f"#   {rule['name']}: {rule['routed']} / {rule['misses']}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.write(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
