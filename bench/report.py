"""What every benchmark does at the end: print a short table and the JSON document, and turn
a failed run into a one-line message and exit code 1."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from lifecase_platform.logs import configure_logging

Result = dict[str, Any]


class BenchmarkError(Exception):
    """The benchmark could not finish; the message says which phase and why."""


def machine() -> dict[str, Any]:
    """What a result was measured on."""
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def emit(result: Result, table: str, json_path: Path | None) -> None:
    """The table on stdout, then the JSON document (last line) or the file it went to."""
    sys.stdout.write(table)
    document = json.dumps(result)
    if json_path is None:
        sys.stdout.write(document + "\n")
    else:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(document + "\n")
        sys.stdout.write(f"results written to {json_path}\n")


def run_benchmark(
    run: Callable[[], Coroutine[Any, Any, Result]],
    table: Callable[[Result], str],
    json_path: Path | None,
) -> int:
    """Run a benchmark to its report; the process's exit code."""
    configure_logging("WARNING")
    try:
        result = asyncio.run(run())
    except BenchmarkError as error:
        sys.stderr.write(f"benchmark failed: {error}\n")
        return 1
    emit(result, table(result), json_path)
    return 0
