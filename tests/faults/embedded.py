"""``lifecase run`` as the fault suite's target: started by the suite on its own port and
state, killed and restarted as a machine crash and a process supervisor (systemd) would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from lifecase_embedded.engines import free_port

LIFECASE = str(Path(sys.executable).parent / "lifecase")
# The suite files cases faster than one reporter may: lift the rate limits of its own instance.
UNLIMITED = {
    "LIFECASE_RATE_LIMIT_FILING": "100000/minute",
    "LIFECASE_RATE_LIMIT_SEARCH": "100000/minute",
    "LIFECASE_RATE_LIMIT_ADMIN": "100000/minute",
}


class EmbeddedTarget:
    def __init__(self, state: Path, port: int | None = None) -> None:
        self.state = state
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [LIFECASE, "run", "--state", str(self.state), "--port", str(self.port)]

    def start(self, timeout: float = 120) -> None:
        """Start the target and wait until ``/readyz`` answers 200."""
        self.state.mkdir(parents=True, exist_ok=True)
        log = (self.state.parent / f"{self.state.name}-{self.command()[1]}.log").open("ab")
        self.process = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **UNLIMITED},
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command()[:2]} exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.command()[:2]} did not become ready")

    def engine_pid(self, name: str) -> int:
        """The pid of the runner's child process called ``name`` (nats-server, temporal)."""
        assert self.process is not None
        for pid in children(self.process.pid):
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                return pid
        raise LookupError(f"no {name} under lifecase run")

    def kill_engine(self, name: str) -> None:
        os.kill(self.engine_pid(name), signal.SIGKILL)

    def kill_all(self) -> None:
        """kill -9 of the runner and its engines at the same moment: a machine that died."""
        assert self.process is not None
        pids = [self.process.pid, *children(self.process.pid)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        for pid in pids[1:]:
            _wait_gone(pid)

    def stop(self) -> None:
        """Ctrl-C, as a user stops it; kill -9 if it does not stop within 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_all()


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _wait_gone(pid: int, timeout: float = 10) -> None:
    """Until ``pid`` has exited (a zombie nobody reaped yet counts as exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.05)
