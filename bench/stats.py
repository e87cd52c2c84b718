"""Latency and throughput summaries."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Summary:
    count: int
    wall_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    per_s: float

    def as_dict(self) -> dict[str, Any]:
        return {key: round(value, 3) for key, value in asdict(self).items()}


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
