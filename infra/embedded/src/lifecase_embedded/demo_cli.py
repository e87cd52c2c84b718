"""``lifecase demo``: made-up history for the demo. ``generate`` writes months of cases across
the catalogue into insight's projection only (not onto the event stream, so no other service
acts on them), so that the dashboards and the automation report have something to show. The
same seed gives the same history; running it again adds only what happened since."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from lifecase_insight.bootstrap import MIGRATIONS
from lifecase_insight.demo import Summary, load
from lifecase_insight.settings import InsightSettings
from lifecase_platform import db

app = typer.Typer(help="Demo data.", no_args_is_help=True)

State = Annotated[
    Path | None,
    typer.Option(
        help="A `lifecase run` state directory: its insight.db. Without it, the "
        "LIFECASE_INSIGHT_DATABASE_URL environment variable."
    ),
]
Months = Annotated[int, typer.Option(min=1, max=36, help="How many months back, up to today.")]
Seed = Annotated[int, typer.Option(min=0, help="The same seed gives the same history.")]


def _database_url(state: Path | None) -> str:
    if state is None:
        return InsightSettings().database_url
    return f"sqlite+aiosqlite:///{state / 'insight.db'}"


async def _generate(url: str, months: int, seed: int) -> Summary:
    await asyncio.to_thread(db.migrate, url, MIGRATIONS)
    engine = db.create_engine(url)
    try:
        with typer.progressbar(length=0, label="Writing the history") as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            return await load(
                db.session_factory(engine), months=months, seed=seed, progress=progress
            )
    finally:
        await engine.dispose()


@app.command()
def generate(months: Months = 6, seed: Seed = 1, state: State = None) -> None:
    """Write ``months`` months of made-up cases into insight's projection (not onto the event
    stream). A later `lifecase insight rebuild` replaces them with what the stream holds."""
    s = asyncio.run(_generate(_database_url(state), months, seed))
    typer.echo(
        f"Demo history {s.first_day} to {s.last_day} ({s.months} months): {s.cases} cases, "
        f"{s.subcases} sub-cases, {s.events} events (seed {seed})."
    )
