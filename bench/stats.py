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


def cpu_by_process() -> dict[str, float]:
    """CPU seconds (user + system) of this process and each descendant, by a short name.

    The name is the service's module (``lifecase_routing``) or the program (``temporal``,
    ``nats-server``); this process is ``bench``. Processes sharing a name are added up.
    """
    totals = {"bench": time.process_time()}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _descendants(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # it exited meanwhile
        name = _short_name([arg.decode(errors="replace") for arg in argv if arg])
        totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return totals


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
