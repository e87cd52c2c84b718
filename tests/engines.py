"""Where the tests' engines come from: by default the binaries the Python packages install,
on free ports (``LIFECASE_TEST_ENGINES=local``); where a Docker engine is reachable,
``LIFECASE_TEST_ENGINES=testcontainers`` starts the same engines as containers instead."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from temporalio.client import Client

from lifecase_embedded.engines import nats_server, temporal_dev_server

ENGINES = os.environ.get("LIFECASE_TEST_ENGINES", "local")
NATS_IMAGE = "nats:2.12"
TEMPORAL_IMAGE = "temporalio/temporal:1.5.1"
POSTGRES_IMAGE = "postgres:15"

if ENGINES not in ("local", "testcontainers"):
    raise RuntimeError("LIFECASE_TEST_ENGINES must be 'local' or 'testcontainers'")


@asynccontextmanager
async def _container(image: str, command: str, port: int, ready_log: str) -> AsyncIterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    container: Any = (
        DockerContainer(image, command=command)
        .with_exposed_ports(port)
        .waiting_for(LogMessageWaitStrategy(ready_log))
    )
    await asyncio.to_thread(container.start)
    try:
        yield f"{container.get_container_host_ip()}:{container.get_exposed_port(port)}"
    finally:
        await asyncio.to_thread(container.stop)


@asynccontextmanager
async def nats(store_dir: Path) -> AsyncIterator[str]:
    """A JetStream-enabled NATS; yields its URL."""
    if ENGINES == "testcontainers":
        async with _container(NATS_IMAGE, "-js", 4222, "Server is ready") as address:
            yield f"nats://{address}"
        return
    async with nats_server(store_dir) as url:
        yield url


@asynccontextmanager
async def temporal(log_dir: Path) -> AsyncIterator[str]:
    """A Temporal dev server (in memory); yields its gRPC address."""
    if ENGINES == "testcontainers":
        command = "server start-dev --ip 0.0.0.0 --headless"
        async with _container(TEMPORAL_IMAGE, command, 7233, "Temporal Server") as address:
            await _temporal_answers(address)
            yield address
        return
    async with temporal_dev_server(None, log_dir=log_dir) as address:
        yield address


async def _temporal_answers(address: str, attempts: int = 150) -> None:
    for _ in range(attempts):
        try:
            await Client.connect(address)
            return
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"Temporal at {address} did not answer")


@asynccontextmanager
async def postgres_admin_url(default: str) -> AsyncIterator[str]:
    """An admin URL of a PostgreSQL that tests may create databases in."""
    if ENGINES != "testcontainers":
        yield default
        return
    from testcontainers.community.postgres import PostgresContainer

    container: Any = PostgresContainer(POSTGRES_IMAGE, username="postgres", password="postgres")
    await asyncio.to_thread(container.start)
    try:
        host, port = container.get_container_host_ip(), container.get_exposed_port(5432)
        yield f"postgresql://postgres:postgres@{host}:{port}/postgres"
    finally:
        await asyncio.to_thread(container.stop)
