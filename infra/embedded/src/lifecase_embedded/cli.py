"""``lifecase``: run the whole system in embedded mode."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from pathlib import Path
from typing import Annotated, Literal

import typer

from lifecase_contracts import asyncapi
from lifecase_embedded import (
    demo_cli,
    insight_cli,
    operations_cli,
    rules_cli,
    templates_cli,
    triage_cli,
)
from lifecase_embedded.engines import free_port, nats_server, temporal_dev_server
from lifecase_embedded.mailbox import Mailbox
from lifecase_embedded.pki import write_pki
from lifecase_embedded.system import SERVICES, EmbeddedSystem, SystemConfig
from lifecase_platform.logs import configure_logging
from lifecase_platform.serve import graceful_server
from lifecase_platform.telemetry import configure_tracing

app = typer.Typer(help="lifecase: life-cycle case management.", no_args_is_help=True)
app.add_typer(templates_cli.app, name="templates")
app.add_typer(rules_cli.app, name="rules")
app.add_typer(operations_cli.app, name="operations")
app.add_typer(insight_cli.app, name="insight")
app.add_typer(triage_cli.app, name="triage")
app.add_typer(demo_cli.app, name="demo")
log = logging.getLogger("lifecase")


def _dev_secret(state: Path) -> str:
    path = state / "dev-token-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


async def _run(state: Path, host: str, port: int, telemetry: str) -> None:
    state.mkdir(parents=True, exist_ok=True)
    # The databases, the event store and the logs hold personal data: owner only.
    state.chmod(0o700)
    configure_tracing(telemetry, service_name="lifecase-embedded")
    async with (
        # Supervised: an engine that dies is started again on the same state and port, and
        # the services reconnect to it by themselves (/readyz says 503 meanwhile).
        nats_server(
            state / "nats", port=free_port(14222), log_dir=state / "logs", supervise=True
        ) as nats_url,
        temporal_dev_server(
            state / "temporal.db", port=free_port(17233), log_dir=state / "logs", supervise=True
        ) as temporal_address,
        # The demo's mail goes to a server in this process, shown at /dev/mail.
        Mailbox() as mailbox,
    ):
        config = SystemConfig(
            nats_url=nats_url,
            temporal_address=temporal_address,
            database_urls={s: f"sqlite+aiosqlite:///{state / (s + '.db')}" for s in SERVICES},
            dev_token_secret=_dev_secret(state),
            extra={"telemetry_exporter": telemetry},
            notifications={
                "smtp_host": mailbox.host,
                "smtp_port": mailbox.port,
                "smtp_tls": "none",
                "email_sender": "lifecase demo <noreply@demo.lifecase.dk>",
                "public_url": f"http://{host}:{port}",
                "email_poll_seconds": 0.5,
            },
        )
        (state / "endpoints.json").write_text(
            json.dumps(
                {
                    "base_url": f"http://{host}:{port}",
                    "nats": nats_url,
                    "temporal": temporal_address,
                },
                indent=2,
            )
        )
        system = EmbeddedSystem(config, mailbox=mailbox)
        await system.start()
        try:
            server = graceful_server(system.app, host=host, port=port)
            log.info(
                "lifecase is up",
                extra={
                    "base_url": f"http://{host}:{port}",
                    "nats": nats_url,
                    "temporal": temporal_address,
                    "mail": f"http://{host}:{port}/dev/mail",
                },
            )
            await server.serve()
        finally:
            await system.stop()


@app.command()
def run(
    state: Annotated[Path, typer.Option(help="Where state lives between runs.")] = Path(
        ".lifecase"
    ),
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    telemetry: Annotated[str, typer.Option(help="none, console or otlp")] = "none",
) -> None:
    """Start nats-server, the Temporal dev server and all five services; Ctrl-C stops all."""
    configure_logging()
    asyncio.run(_run(state.resolve(), host, port, telemetry))


@app.command()
def cluster(
    state: Annotated[Path, typer.Option(help="Where state lives between runs.")] = Path(
        ".lifecase-cluster"
    ),
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    replicas: Annotated[int, typer.Option(min=1, max=4, help="Processes per service.")] = 2,
    databases: Annotated[
        str, typer.Option(help="Name prefix of the services' PostgreSQL databases.")
    ] = "lifecase_cluster",
) -> None:
    """The multi-node topology on this machine: a three-node NATS JetStream cluster, the local
    PostgreSQL (a database per service), the Temporal dev server, and each service as
    separate processes (two replicas each) behind one base URL. Ctrl-C stops all."""
    from lifecase_embedded.cluster import run_cluster

    configure_logging()
    asyncio.run(
        run_cluster(
            state.resolve(), host=host, port=port, replicas=replicas, database_prefix=databases
        )
    )


@app.command()
def events(
    format: Annotated[
        Literal["asyncapi", "markdown"],
        typer.Option(help="asyncapi: the AsyncAPI 3.1 document; markdown: a page to browse."),
    ] = "asyncapi",
) -> None:
    """Print the event catalogue, generated from the event models."""
    if format == "markdown":
        typer.echo(asyncapi.markdown(), nl=False)
    else:
        typer.echo(json.dumps(asyncapi.document(), indent=2, ensure_ascii=False))


@app.command()
def certs(
    out: Annotated[Path, typer.Option(help="Where to write ca.pem, nats.pem and nats.key.")] = Path(
        "infra/certs"
    ),
) -> None:
    """A throw-away CA and a certificate for the compose demo's nats-server (TLS)."""
    write_pki(out, {"nats": ["nats", "localhost", "127.0.0.1"]})
    typer.echo(f"wrote {out}/ca.pem, {out}/nats.pem and {out}/nats.key")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo("lifecase 0.1.0")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
