"""Run one service as its own process (production): JSON logs, tracing, optional migrations,
the HTTP API under uvicorn, and a clean stop on SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp

from lifecase_platform.logs import configure_logging
from lifecase_platform.runtime import Runtime
from lifecase_platform.settings import PlatformSettings
from lifecase_platform.telemetry import configure_tracing

log = logging.getLogger(__name__)

# Below the 10 s that Docker and Kubernetes grant before SIGKILL, so that a long-lived
# request cannot keep the service from stopping its consumers and worker in time.
SHUTDOWN_GRACE_SECONDS = 5

Seed = Callable[[], Awaitable[object]]


class Service(Protocol):
    """What ``build(settings)`` returns in every service."""

    @property
    def settings(self) -> PlatformSettings: ...

    @property
    def app(self) -> FastAPI: ...

    @property
    def runtime(self) -> Runtime: ...

    def migrate(self) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class Options:
    host: str = "127.0.0.1"
    port: int = 8000
    migrate: bool = False
    migrate_only: bool = False
    seed: bool = False


def parse_options(
    name: str, *, seedable: bool = False, argv: Sequence[str] | None = None
) -> Options:
    """The command line of ``python -m lifecase_<name>``."""
    parser = argparse.ArgumentParser(
        prog=f"python -m lifecase_{name}", description=f"Run the lifecase {name} service."
    )
    parser.add_argument(
        "--host", default=Options.host, help="interface to listen on (0.0.0.0 in a container)"
    )
    parser.add_argument("--port", type=int, default=Options.port)
    parser.add_argument(
        "--migrate",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="apply the database migrations before starting",
    )
    parser.add_argument(
        "--migrate-only",
        action="store_true",
        help="apply the database migrations and exit (a one-off job)",
    )
    if seedable:
        parser.add_argument(
            "--seed", action="store_true", help="load the demo data once the service has started"
        )
    args = parser.parse_args(argv)
    return Options(
        host=args.host,
        port=args.port,
        migrate=args.migrate,
        migrate_only=args.migrate_only,
        seed=getattr(args, "seed", False),
    )


def serve(service: Service, options: Options, *, seed: Seed | None = None) -> None:
    """Run ``service`` until SIGINT or SIGTERM, then stop it. Exits with 1 if it fails."""
    settings = service.settings
    configure_logging()
    configure_tracing(
        settings.telemetry_exporter,
        service_name=f"lifecase-{service.runtime.name}",
        otlp_endpoint=settings.otlp_endpoint,
    )
    try:
        asyncio.run(_run(service, options, seed))
    except Exception:
        log.exception("service failed", extra={"service": service.runtime.name})
        raise SystemExit(1) from None


class GracefulServer(uvicorn.Server):
    """uvicorn that leaves SIGINT and SIGTERM to the event loop, so whoever awaits ``serve()``
    can stop its own resources before the process ends."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn would re-raise a captured SIGTERM after serving, killing the process
        # before the caller's clean-up runs.
        yield


def graceful_server(app: ASGIApp, *, host: str, port: int) -> GracefulServer:
    """A server on ``app`` that exits its ``serve()`` on SIGINT or SIGTERM (call in the loop)."""
    server = GracefulServer(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        )
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.handle_exit, sig, None)
    return server


async def _run(service: Service, options: Options, seed: Seed | None) -> None:
    if options.migrate_only:
        await _migrate(service)
        return
    server = graceful_server(service.app, host=options.host, port=options.port)
    # Served from the first moment so that /livez answers while the service waits for its
    # engines (the NATS client retries forever); /readyz stays 503 until start() is done.
    starting = asyncio.create_task(_start(service, options, seed, server))
    try:
        await server.serve()
    finally:
        starting.cancel()
        await asyncio.wait({starting})
        await service.stop()
    if not starting.cancelled():
        starting.result()


async def _start(
    service: Service, options: Options, seed: Seed | None, server: uvicorn.Server
) -> None:
    try:
        if options.migrate:
            await _migrate(service)
        await service.start()
        if options.seed and seed is not None:
            log.info("seeded", extra={"service": service.runtime.name, "result": await seed()})
        log.info("service ready", extra={"service": service.runtime.name})
    except Exception:
        server.should_exit = True
        raise


async def _migrate(service: Service) -> None:
    # Alembic's env.py runs its own event loop, which cannot nest inside this one.
    await asyncio.to_thread(service.migrate)
    log.info("migrated", extra={"service": service.runtime.name})
