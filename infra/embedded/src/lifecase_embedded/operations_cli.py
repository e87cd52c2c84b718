"""``lifecase operations``: what an operator does when something did not go through. List the
cases whose workflow is stuck and why, and retry one once the cause is mended; list the events
a consumer dead-lettered and why, and replay or discard one. Through a running lifecase's
admin API (``/api/v1/operations``), as an administrator."""

from __future__ import annotations

from typing import Annotated

import typer

from lifecase_embedded.api_client import admin_client, answer

app = typer.Typer(
    help="Stuck cases and dead-lettered events: list, retry, replay, discard.",
    no_args_is_help=True,
)

Url = Annotated[str, typer.Option(envvar="LIFECASE_URL", help="lifecase's base URL")]
Token = Annotated[str | None, typer.Option(envvar="LIFECASE_TOKEN", help="an admin's bearer token")]
User = Annotated[
    str, typer.Option(help="embedded mode without --token: sign in as this demo admin")
]
Sequence = Annotated[
    int, typer.Argument(min=1, help="the dead letter's sequence (see 'dead-letters')")
]
DEFAULT_URL = "http://127.0.0.1:8000"
BASE = "/api/v1/operations"


@app.command()
def stuck(url: Url = DEFAULT_URL, token: Token = None, user: User = "ada") -> None:
    """Cases whose workflow waits for an operator, with the reason, longest stuck first."""
    with admin_client(url, token, user) as http:
        cases = answer(http.get(f"{BASE}/stuck-cases"))
    if not cases:
        typer.echo("No stuck cases.")
    for case in cases:
        typer.echo(
            f"{case['case_id']}  {case['template_key']} v{case['template_version']}"
            f"  since {case['stuck_since']}  {case['reason']}"
        )


@app.command()
def retry(case_id: str, url: Url = DEFAULT_URL, token: Token = None, user: User = "ada") -> None:
    """Try a stuck case's steps again (after its cause was mended)."""
    with admin_client(url, token, user) as http:
        answer(http.post(f"{BASE}/stuck-cases/{case_id}/retry"))
    typer.echo(f"{case_id}: retrying")


@app.command("dead-letters")
def dead_letters(
    url: Url = DEFAULT_URL,
    token: Token = None,
    user: User = "ada",
    after: Annotated[int, typer.Option(min=0, help="list those after this sequence")] = 0,
) -> None:
    """Events a consumer could not process and parked, oldest first, with the reason."""
    with admin_client(url, token, user) as http:
        page = answer(http.get(f"{BASE}/dead-letters", params={"after": after}))
    if not page["items"]:
        typer.echo("No dead-lettered events.")
    for d in page["items"]:
        typer.echo(
            f"{d['sequence']:>8}  {d['consumer']:<14} {d['subject']:<34} "
            f"case {d['case_id'] or '-'}  {d['reason']}"
        )
    if page["next_after"] is not None:
        typer.echo(f"more: --after {page['next_after']}")


@app.command()
def replay(
    sequence: Sequence, url: Url = DEFAULT_URL, token: Token = None, user: User = "ada"
) -> None:
    """Publish a dead-lettered event again; consumers that processed it skip it."""
    with admin_client(url, token, user) as http:
        letter = answer(http.post(f"{BASE}/dead-letters/{sequence}/replay"))
    typer.echo(f"{sequence}: replayed to {letter['subject']}")


@app.command()
def discard(
    sequence: Sequence, url: Url = DEFAULT_URL, token: Token = None, user: User = "ada"
) -> None:
    """Remove a dead-lettered event for good."""
    with admin_client(url, token, user) as http:
        answer(http.delete(f"{BASE}/dead-letters/{sequence}"))
    typer.echo(f"{sequence}: discarded")
