"""`lifecase run` as a user starts it: a real process on a real port, the README's curl
walk-through over HTTP, then Ctrl-C stops everything and leaves no process behind."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from lifecase_embedded.engines import free_port
from lifecase_platform.workdays import today_in_denmark

LIFECASE = str(Path(sys.executable).parent / "lifecase")
HIRING = {
    "employee_name": "Mette Hansen",
    "cpr": "0101901234",
    "start_date": (today_in_denmark() + timedelta(days=7)).isoformat(),
    "position": "Pædagog",
    "department": "Børnehuset Solsikken",
    "employment_type": "permanent",
    "weekly_hours": 37,
    "needs_laptop": True,
}
WORKERS = {"hr": "hans", "payroll": "paula", "it": "ivan", "facilities": "frida"}


T = TypeVar("T")


def _wait(check: Callable[[], T | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        [LIFECASE, "run", "--state", str(tmp_path / "state"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return process.poll() is not None and _fail(tmp_path)

    try:
        _wait(healthy, 90, "/healthz to answer 200")
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _fail(tmp_path: Path) -> bool:
    raise AssertionError((tmp_path / "run.log").read_text())


def test_make_run_serves_the_readme_walk_through_and_stops_cleanly_on_ctrl_c(
    running: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    base, process = running
    # the state (databases, events, logs) holds personal data: nobody but its owner reads it
    assert (tmp_path / "state").stat().st_mode & 0o077 == 0
    with httpx.Client(base_url=base, timeout=10) as http:

        def token(user: str) -> dict[str, str]:
            r = http.post("/api/v1/dev/token", json={"username": user})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        rita = token("rita")
        case = http.post(
            "/api/v1/cases",
            headers={**rita, "Idempotency-Key": "e2e-1"},
            json={"event_type": "hiring", "data": HIRING},
        ).json()

        def routed() -> dict[str, Any] | None:
            body = http.get(f"/api/v1/cases/{case['id']}", headers=rita).json()
            subs = body["subcases"]
            return body if len(subs) == 5 and all(s["status"] == "routed" for s in subs) else None

        body = _wait(routed, 30, "five routed sub-cases")
        assert len({s["queue"] for s in body["subcases"]}) >= 4

        for sub in body["subcases"]:
            worker = token(WORKERS[sub["queue"]])
            assert (
                http.post(f"/api/v1/work-items/{sub['id']}/claim", headers=worker).status_code
                == 200
            )
            assert (
                http.post(
                    f"/api/v1/work-items/{sub['id']}/resolve",
                    headers=worker,
                    json={"resolution": "Klaret"},
                ).status_code
                == 200
            )

        _wait(
            lambda: (
                http.get(f"/api/v1/cases/{case['id']}", headers=rita).json()["status"]
                == "completed"
            ),
            30,
            "the case to complete",
        )
        scrape = http.get("/metrics")  # the gateway serves the one process's metrics
        assert scrape.status_code == 200
        assert 'lifecase_cases_filed_total{event_type="hiring"}' in scrape.text
        assert "lifecase_subcases_resolved_total" in scrape.text
        assert str(HIRING["cpr"]) not in scrape.text and "Mette" not in scrape.text

    engines = _children(process.pid)
    assert engines, "nats-server and temporal should run as children"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    for pid in engines:
        _wait(functools.partial(_gone, pid), 15, f"engine process {pid} to stop")


def _gone(pid: int) -> bool:
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its (gone) parent's reaper.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"
