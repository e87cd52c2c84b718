"""``lifecase triage``: the free-text triage model's versions in routing's database.
``train`` a draft from the seed set and routing's history (shows its evaluation), ``list``
the versions, ``activate`` a draft as someone other than who trained it (four eyes). Each
training and activation is recorded in the access log (it travels with routing's outbox
the next time routing runs)."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from lifecase_platform import db
from lifecase_platform.auth import Principal
from lifecase_platform.errors import DomainError
from lifecase_platform.outbox import Outbox
from lifecase_routing.bootstrap import MIGRATIONS
from lifecase_routing.models import outbox as outbox_table
from lifecase_routing.settings import RoutingSettings
from lifecase_routing.triage import service, store

app = typer.Typer(help="The free-text triage model: train, list, activate.", no_args_is_help=True)
T = TypeVar("T")
DEFAULT_THRESHOLD = float(RoutingSettings.model_fields["triage_threshold"].default)

State = Annotated[
    Path | None,
    typer.Option(
        help="A `lifecase run` state directory: its routing.db. Without it, the "
        "LIFECASE_ROUTING_DATABASE_URL environment variable."
    ),
]


def _database_url(state: Path | None) -> str:
    if state is None:
        return RoutingSettings().database_url
    return f"sqlite+aiosqlite:///{state / 'routing.db'}"


def _run(state: Path | None, work: Callable[[db.SessionFactory, Outbox], Awaitable[T]]) -> T:
    url = _database_url(state)

    async def main() -> T:
        await asyncio.to_thread(db.migrate, url, MIGRATIONS)
        engine = db.create_engine(url)
        try:
            return await work(db.session_factory(engine), Outbox(outbox_table))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DomainError as error:
        typer.echo(error.text.en if error.text else str(error), err=True)
        raise typer.Exit(1) from error


def _percent(value: Any) -> str:
    return f"{float(value) * 100:5.1f}%"


def evaluation_table(evaluation: dict[str, Any]) -> str:
    """Per classifier: accuracy, top 3, share below the threshold, and per class precision,
    recall and support on the held-out split."""
    lines: list[str] = []
    for name, result in evaluation.items():
        lines.append(
            f"{name}: accuracy {_percent(result['accuracy'])}, top-3 {_percent(result['top3'])}, "
            f"below threshold {result['threshold']:.2f}: {_percent(result['below_threshold'])} "
            f"({result.get('examples', 0)} held-out texts)"
        )
        lines.append(f"  {'label':<20} {'precision':>9} {'recall':>9} {'support':>8}")
        for label, values in sorted(result["per_class"].items()):
            lines.append(
                f"  {label:<20} {_percent(values['precision']):>9} "
                f"{_percent(values['recall']):>9} {int(values['support']):>8}"
            )
    return "\n".join(lines)


@app.command()
def train(
    state: State = None,
    by: Annotated[str | None, typer.Option("--as", help="who trains (default: you)")] = None,
    note: Annotated[str | None, typer.Option(help="why this version")] = None,
    threshold: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            envvar="LIFECASE_ROUTING_TRIAGE_THRESHOLD",
            help="below this probability a text goes to triage",
        ),
    ] = DEFAULT_THRESHOLD,
) -> None:
    """Train a new draft version from the seed set and routing's history, and show its
    evaluation on a held-out split. It routes nothing until someone else activates it."""
    trainer = Principal(username=by or getpass.getuser(), roles=["admin"])
    typer.echo("Training the triage model from the seed set and routing's history ...")

    async def work(sessions: db.SessionFactory, outbox: Outbox) -> store.VersionRow:
        return await service.train_version(
            sessions=sessions, outbox=outbox, by=trainer, threshold=threshold, note=note
        )

    row = _run(state, work)
    counts = ", ".join(f"{source} {n}" for source, n in sorted(row.trained_on.items()))
    typer.echo(f"Trained version {row.version} (draft) by {row.trained_by} on {counts}.")
    typer.echo(evaluation_table(row.evaluation))
    where = f" --state {state}" if state is not None else ""
    typer.echo(
        f"Another administrator or a process owner activates it: "
        f"lifecase triage activate {row.version} --as USER{where}"
    )


@app.command("list")
def list_versions(state: State = None) -> None:
    """Every version, newest first: status, who trained and activated it, top-1 accuracy."""

    async def work(sessions: db.SessionFactory, _: Outbox) -> list[store.VersionRow]:
        async with sessions() as session:
            return await store.list_versions(session)

    for row in _run(state, work):
        accuracy = row.evaluation.get("life_events", {}).get("accuracy")
        shown = _percent(accuracy) if accuracy is not None else "-"
        activated = f", activated by {row.activated_by}" if row.activated_by else ""
        typer.echo(
            f"v{row.version:<4} {row.status:<8} trained by {row.trained_by} "
            f"{row.trained_at:%Y-%m-%d %H:%M}{activated}; life events top-1 {shown}"
        )


@app.command()
def activate(
    version: Annotated[int, typer.Argument(min=1)],
    by: Annotated[str, typer.Option("--as", help="who approves (not who trained it)")],
    state: State = None,
) -> None:
    """Approve a draft and route with it from now on (the active version is retired).
    Refused for the one who trained it: four eyes."""
    approver = Principal(username=by, roles=["admin"])

    async def work(sessions: db.SessionFactory, outbox: Outbox) -> store.VersionRow:
        async with sessions() as session, session.begin():
            return await service.activate_version(
                session=session, outbox=outbox, version=version, by=approver
            )

    row = _run(state, work)
    typer.echo(f"Version {row.version} is active (approved by {row.activated_by}).")
