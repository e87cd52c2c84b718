"""``lifecase templates``: validate template files offline; import, submit for approval,
approve and export them through a running lifecase's admin API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from lifecase_lifecycle.templates import (
    InvalidTemplate,
    Template,
    parse_template,
    template_json_schema,
    to_yaml,
)

app = typer.Typer(
    help="Life-cycle templates: validate, import, submit for approval, approve, export.",
    no_args_is_help=True,
)

Url = Annotated[str, typer.Option("--url", help="Base URL of a running lifecase.")]
Token = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="LIFECASE_TOKEN",
        help="An admin's bearer token. Without one, the dev identity provider's 'ada' is used.",
    ),
]
DEFAULT_URL = "http://127.0.0.1:8000"


def _load(file: Path) -> Template:
    try:
        return parse_template(file.read_text(encoding="utf-8"))
    except InvalidTemplate as invalid:
        for issue in invalid.issues:
            typer.echo(f"{file}:{issue}", err=True)
        raise typer.Exit(1) from invalid
    except OSError as error:
        typer.echo(f"{file}: {error.strerror}", err=True)
        raise typer.Exit(1) from error


def _client(url: str, token: str | None, dev_user: str = "ada") -> httpx.Client:
    if token is None:
        response = httpx.post(f"{url}/api/v1/dev/token", json={"username": dev_user}, timeout=10)
        if response.status_code != 200:
            typer.echo("No --token given and no dev identity provider answered.", err=True)
            raise typer.Exit(2)
        token = response.json()["access_token"]
    return httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"})


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.is_success:
        return dict(response.json())
    body = response.json() if "json" in response.headers.get("content-type", "") else {}
    typer.echo(
        f"{response.status_code} {body.get('title', response.reason_phrase)}: "
        f"{body.get('detail', '')}",
        err=True,
    )
    for error in body.get("errors") or []:
        where = f"line {error['line']}: " if error.get("line") else ""
        typer.echo(f"  {where}{'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
    raise typer.Exit(1)


@app.command()
def validate(files: list[Path]) -> None:
    """Check template files; every problem is printed with its line."""
    for file in files:
        template = _load(file)
        typer.echo(f"{file}: ok ({template.key}, {len(template.activities)} activities)")


@app.command("import")
def import_(file: Path, url: Url = DEFAULT_URL, token: Token = None) -> None:
    """Save a template file as a new draft version."""
    template = _load(file)
    with _client(url, token) as client:
        draft = _ok(
            client.post(
                "/api/v1/templates",
                content=file.read_bytes(),
                headers={"Content-Type": "application/yaml"},
            )
        )
    typer.echo(f"{template.key}: draft version {draft['version']}")


@app.command()
def publish(
    file: Path,
    note: Annotated[
        str, typer.Option(help="What the version changes and why, for the approver.")
    ] = "Indsendt fra kommandolinjen / submitted from the command line",
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """Save a template file as a new version and submit it for approval (four eyes: a
    process owner publishes it with 'approve' or in the admin area)."""
    template = _load(file)
    with _client(url, token) as client:
        draft = _ok(
            client.post(
                "/api/v1/templates",
                content=file.read_bytes(),
                headers={"Content-Type": "application/yaml"},
            )
        )
        version = draft["version"]
        _ok(
            client.post(
                f"/api/v1/templates/{template.key}/versions/{version}/submit", json={"note": note}
            )
        )
    typer.echo(
        f"{template.key}: version {version} submitted for approval "
        f"(lifecase templates approve {template.key} {version})"
    )


@app.command()
def approve(
    key: str,
    version: int,
    url: Url = DEFAULT_URL,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="LIFECASE_TOKEN",
            help="A process owner's bearer token. Without one, the dev identity provider's "
            "'pia' is used.",
        ),
    ] = None,
) -> None:
    """Approve and publish a submitted version (a process owner who did not draft it)."""
    with _client(url, token, dev_user="pia") as client:
        _ok(client.post(f"/api/v1/templates/{key}/versions/{version}/publish"))
    typer.echo(f"{key}: published version {version}")


@app.command()
def export(
    key: str,
    version: Annotated[int | None, typer.Option()] = None,
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """Print a template version as YAML (the published one unless --version is given)."""
    with _client(url, token) as client:
        response = client.get(f"/api/v1/templates/{key}/versions")
        if not response.is_success:
            _ok(response)
        versions: list[dict[str, Any]] = response.json()
    chosen = [
        v
        for v in versions
        if v["version"] == version or (version is None and v["status"] == "published")
    ]
    if not chosen:
        typer.echo(f"{key}: no such version", err=True)
        raise typer.Exit(1)
    typer.echo(to_yaml(Template.model_validate(chosen[-1]["definition"])), nl=False)


@app.command("export-bundle")
def export_bundle(
    key: str,
    version: Annotated[int, typer.Argument(help="The version to share.")],
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """Print a version as a bundle to share with another municipality (YAML)."""
    with _client(url, token) as client:
        response = client.get(f"/api/v1/templates/{key}/versions/{version}/bundle")
        if not response.is_success:
            _ok(response)
    typer.echo(response.text, nl=False)


@app.command("import-bundle")
def import_bundle(file: Path, url: Url = DEFAULT_URL, token: Token = None) -> None:
    """Import a bundle as a new draft; prints what must be mapped here before it routes."""
    try:
        content = file.read_bytes()
    except OSError as error:
        typer.echo(f"{file}: {error.strerror}", err=True)
        raise typer.Exit(1) from error
    with _client(url, token) as client:
        report = _ok(
            client.post(
                "/api/v1/templates/bundles",
                content=content,
                headers={"Content-Type": "application/yaml"},
            )
        )
    draft = report["draft"]
    typer.echo(f"{draft['key']}: draft version {draft['version']} (submit it for approval)")
    if not report["routing_checked"]:
        typer.echo("  routing could not be asked: check units and rules by hand")
    for unit in report["unknown_units"]:
        typer.echo(f"  unknown unit: {unit}")
    for queue in report["unknown_queues"]:
        typer.echo(f"  example rules name a queue not here: {queue}")
    for subcase_type in report["unrouted_types"]:
        typer.echo(f"  no rule routes {subcase_type}: it would go to triage")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the template format."""
    typer.echo(json.dumps(template_json_schema(), indent=2, ensure_ascii=False))
