"""Latency and throughput summaries."""

from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Summary:
    count: int
    wall_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    per_s: float
    # CPU of this process and every process it started (the engines) during the batch, per
    # run: a regression shows here even when a noisy machine blurs the wall-clock figures.
    cpu_ms_per_run: float | None = None
    # The same, split by process (``cpu_by_process``'s names).
    cpu_ms_per_run_by_process: dict[str, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {key: _rounded(value) for key, value in asdict(self).items()}


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: round(v, 1) for key, v in value.items()}
    return None if value is None else round(value, 3)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile: with few samples it reports a value that was observed."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(latencies_s: list[float], wall_s: float) -> Summary:
    values = sorted(latencies_s)
    return Summary(
        count=len(values),
        wall_s=wall_s,
        p50_ms=percentile(values, 50) * 1000,
        p99_ms=percentile(values, 99) * 1000,
        max_ms=values[-1] * 1000,
        per_s=len(values) / wall_s,
    )


def cpu_by_process(*, postgresql: bool = False) -> dict[str, float]:
    """CPU seconds (user + system) of this process and each descendant, by a short name.

    The name is the service's module (``lifecase_routing``) or the program (``temporal``,
    ``nats-server``); this process is ``bench``. Processes sharing a name are added up. With
    ``postgresql``, the local PostgreSQL server (``postgresql``: every process of it, and the
    backends that have ended) counts too: it is not ours, but it works for the system.
    """
    totals = {"bench": time.process_time()}
    for pid in _descendants(os.getpid()):
        try:
            seconds, argv = _cpu_seconds(pid), Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # it exited meanwhile
        name = _short_name([arg.decode(errors="replace") for arg in argv.split(b"\0") if arg])
        totals[name] = totals.get(name, 0.0) + seconds
    if postgresql:
        server = postgresql_server_cpu()
        if server is not None:
            totals["postgresql"] = server
    return totals


def postgresql_server_cpu() -> float | None:
    """CPU seconds of the local PostgreSQL server: the postmaster, its live processes, and
    (in the postmaster's children's time) every backend that has exited. None if no server
    process can be seen (another machine, another user's processes)."""
    for pid in _pids_named("postgres"):
        try:
            if _comm(_parent(pid)) == "postgres":
                continue  # a backend or a worker: counted under its postmaster
            return _cpu_seconds(pid, children=True) + sum(
                _cpu_seconds(child) for child in _descendants(pid)
            )
        except OSError:
            continue
    return None


def _cpu_seconds(pid: int, *, children: bool = False) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # fields[11:15]: utime, stime, cutime, cstime (the last two: waited-for children)
    ticks = sum(int(f) for f in fields[11 : 15 if children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _comm(pid: int) -> str:
    return Path(f"/proc/{pid}/comm").read_text().strip()


def _pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _comm(int(entry.name)) == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return sorted(found)


def _short_name(argv: list[str]) -> str:
    if "-m" in argv[:-1]:
        return argv[argv.index("-m") + 1]
    for arg in argv[1:]:
        if arg.endswith(".py"):
            return Path(arg).stem
    return Path(argv[0]).name if argv else "?"


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, children):
        found += [child, *_descendants(child)]
    return found
