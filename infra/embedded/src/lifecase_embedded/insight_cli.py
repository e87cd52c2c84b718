"""``lifecase insight``: the reporting projection. ``rebuild`` empties insight's projection
tables and replays the event stream into them (ADR 0030): after a new dataset or a fixed
handler, or to check that the live projection is what the stream says."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from lifecase_insight.bootstrap import MIGRATIONS
from lifecase_insight.rebuild import rebuild as replay
from lifecase_insight.settings import InsightSettings
from lifecase_platform import db
from lifecase_platform.runtime import Runtime, open_connections

app = typer.Typer(help="The insight service's reporting projection.", no_args_is_help=True)

State = Annotated[
    Path | None,
    typer.Option(
        help="A `lifecase run` state directory: its NATS and insight.db. Without it, the "
        "LIFECASE_NATS_URL and LIFECASE_INSIGHT_DATABASE_URL environment variables."
    ),
]


def _settings(state: Path | None) -> InsightSettings:
    if state is None:
        return InsightSettings()
    endpoints = json.loads((state / "endpoints.json").read_text())
    return InsightSettings(
        environment="dev",
        nats_url=endpoints["nats"],
        auth_mode="dev",
        dev_token_secret=(state / "dev-token-secret").read_text().strip(),
        LIFECASE_INSIGHT_DATABASE_URL=f"sqlite+aiosqlite:///{state / 'insight.db'}",
    )


async def _rebuild(settings: InsightSettings) -> int:
    await asyncio.to_thread(db.migrate, settings.database_url, MIGRATIONS)
    runtime = Runtime("insight-rebuild")
    try:
        sessions, js = await open_connections(
            runtime, database_url=settings.database_url, settings=settings
        )
        with typer.progressbar(length=0, label="Replaying events") as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            return await replay(sessions, js, progress=progress)
    finally:
        await runtime.aclose()


@app.command()
def rebuild(state: State = None) -> None:
    """Empty the projection and replay every event the stream holds into it, with progress.
    Handling-time overrides are kept."""
    replayed = asyncio.run(_rebuild(_settings(state)))
    typer.echo(f"Rebuilt the insight projection from {replayed} events.")
