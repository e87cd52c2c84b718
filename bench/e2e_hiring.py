"""End-to-end benchmark: hiring cases through lifecase against bare Temporal workflows on the
same server: one with a single no-op activity (the engine's floor cost per case) and one that
fans out to as many no-op activities as a hiring has sub-cases.

Run from the repository root::

    .venv/bin/python -m bench.e2e_hiring --cases 50 --concurrency 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any, Literal

import httpx
import nats
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from temporalio.client import Client
from temporalio.worker import Worker

from bench.baseline import FanOutInput, FanOutWorkflow, noop
from bench.report import BenchmarkError, run_benchmark
from bench.stats import Summary, cpu_seconds, summarise
from lifecase_contracts.events import SubcaseRouted
from lifecase_embedded.engines import nats_server, temporal_dev_server
from lifecase_embedded.system import SERVICES, EmbeddedSystem, SystemConfig

# The activities of services/lifecycle/src/lifecase_lifecycle/catalogue/hiring.yaml.
SUBCASES_PER_HIRING = 5
REPORTER = "rita"
BASE_URL = "http://lifecase"

TemporalDb = Literal["memory", "file"]


@dataclass(frozen=True)
class Options:
    cases: int
    concurrency: int
    temporal_db: TemporalDb
    json_path: Path | None
    warmup: int
    timeout_s: float
    light: int = 10


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.e2e_hiring",
        description="Latency and throughput of hiring cases end to end, against a bare "
        "Temporal workflow with the same fan-out on the same server.",
    )
    parser.add_argument("--cases", type=int, default=50, help="cases (and baseline workflows)")
    parser.add_argument("--concurrency", type=int, default=10, help="in flight at a time")
    parser.add_argument(
        "--temporal-db",
        choices=["memory", "file"],
        default="file",
        help="Temporal dev server store: in memory or SQLite file with WAL",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the JSON results here instead of stdout's last line",
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="unmeasured runs per phase before the batch"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per phase")
    parser.add_argument(
        "--light",
        type=int,
        default=10,
        help="runs one at a time (light load) for lifecase and the one-activity floor; 0: none",
    )
    args = parser.parse_args(argv)
    if (
        args.cases < 1
        or args.concurrency < 1
        or args.warmup < 0
        or args.timeout <= 0
        or (args.light < 0)
    ):
        parser.error("--cases and --concurrency must be >= 1, --warmup >= 0, --timeout > 0")
    return Options(
        cases=args.cases,
        concurrency=args.concurrency,
        temporal_db=args.temporal_db,
        json_path=args.json,
        warmup=args.warmup,
        timeout_s=args.timeout,
        light=args.light,
    )


async def run_batch(
    count: int,
    concurrency: int,
    one: Callable[[int], Awaitable[float]],
    *,
    timeout_s: float,
    phase: str,
) -> Summary | None:
    """Run ``one(i)`` for ``count`` indices, ``concurrency`` at a time; None if count is 0."""
    if count == 0:
        return None
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def bounded(index: int) -> None:
        async with gate:
            latencies.append(await one(index))

    start = perf_counter()
    try:
        async with asyncio.timeout(timeout_s), asyncio.TaskGroup() as group:
            for index in range(count):
                group.create_task(bounded(index))
    except TimeoutError as error:
        raise BenchmarkError(
            f"{phase}: only {len(latencies)} of {count} finished within {timeout_s:.0f} s"
        ) from error
    except ExceptionGroup as group_error:
        raise BenchmarkError(f"{phase}: {group_error.exceptions[0]}") from group_error
    return summarise(latencies, perf_counter() - start)


class RoutedTracker:
    """Follows ``subcase.routed`` events; a case is done when all its sub-cases are routed.

    Events can arrive before the submitting request has returned the case id, so a case's
    future is created by whichever side asks first.
    """

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self._routed: defaultdict[str, set[str]] = defaultdict(set)
        self._done: dict[str, asyncio.Future[float]] = {}

    def _future(self, case_id: str) -> asyncio.Future[float]:
        if case_id not in self._done:
            self._done[case_id] = asyncio.get_running_loop().create_future()
        return self._done[case_id]

    async def on_message(self, msg: Msg) -> None:
        data = json.loads(msg.data)["data"]
        routed = self._routed[data["case_id"]]
        # A set, because a redelivered event must not count twice.
        routed.add(data["subcase_id"])
        done = self._future(data["case_id"])
        if len(routed) >= self.expected and not done.done():
            done.set_result(perf_counter())

    async def routed_at(self, case_id: str) -> float:
        return await self._future(case_id)


def hiring_data(index: int) -> dict[str, Any]:
    """Valid, obviously fictitious hiring data, starting in a week: every sub-case's date has
    come, so all five open at once (later starts schedule some of them for later)."""
    return {
        "employee_name": f"Bench Employee {index}",
        "cpr": "0101901234",
        "start_date": (date.today() + timedelta(days=7)).isoformat(),
        "position": "Sagsbehandler",
        "department": "Fælles Administration",
        "employment_type": "permanent",
        "weekly_hours": 37,
        "needs_laptop": True,
    }


async def submit_hiring(http: httpx.AsyncClient, tracker: RoutedTracker, index: int) -> float:
    """Seconds from submitting one hiring case until all its sub-cases are routed."""
    start = perf_counter()
    response = await http.post(
        "/api/v1/cases", json={"event_type": "hiring", "data": hiring_data(index)}
    )
    if response.status_code != httpx.codes.CREATED:
        # Only the problem title: the body may echo field names of personal data.
        title = response.json().get("title", "") if response.content else ""
        raise BenchmarkError(f"submitting a case gave HTTP {response.status_code} {title}")
    return await tracker.routed_at(response.json()["id"]) - start


async def wait_for_event_type(http: httpx.AsyncClient, key: str, timeout_s: float) -> None:
    """The intake learns event types from published templates, asynchronously after start."""
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                response = await http.get("/api/v1/event-types")
                if response.status_code == httpx.codes.OK and any(
                    item["key"] == key for item in response.json()
                ):
                    return
                await asyncio.sleep(0.2)
    except TimeoutError as error:
        raise BenchmarkError(
            f"the intake did not list event type {key!r} within {timeout_s:.0f} s"
        ) from error


async def measure_lifecase(system: EmbeddedSystem, nats_url: str, options: Options) -> Summary:
    tracker = RoutedTracker(SUBCASES_PER_HIRING)
    nc: NATS = await nats.connect(nats_url, name="lifecase-bench")
    try:
        await nc.subscribe(SubcaseRouted.TYPE, cb=tracker.on_message)
        await nc.flush()
        headers = {"Authorization": f"Bearer {system.token(REPORTER)}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=system.app), base_url=BASE_URL, headers=headers
        ) as http:
            await wait_for_event_type(http, "hiring", options.timeout_s)
            return await _warm_then_measure(
                lambda i: submit_hiring(http, tracker, i), options, phase="lifecase"
            )
    finally:
        await nc.close()


async def run_fan_out(client: Client, task_queue: str, activities: int) -> float:
    """Seconds from starting one baseline workflow until its result."""
    start = perf_counter()
    await client.execute_workflow(
        FanOutWorkflow.run,
        FanOutInput(activities=activities),
        id=f"bench-fan-out-{uuid.uuid4()}",
        task_queue=task_queue,
    )
    return perf_counter() - start


async def measure_baseline(temporal_address: str, options: Options, activities: int) -> Summary:
    client = await Client.connect(temporal_address)
    task_queue = f"bench-{uuid.uuid4()}"
    async with Worker(client, task_queue=task_queue, workflows=[FanOutWorkflow], activities=[noop]):
        return await _warm_then_measure(
            lambda _: run_fan_out(client, task_queue, activities),
            options,
            phase=f"baseline ({activities} activities)",
        )


async def _warm_then_measure(
    one: Callable[[int], Awaitable[float]], options: Options, *, phase: str
) -> Summary:
    await run_batch(
        options.warmup,
        options.concurrency,
        lambda i: one(options.cases + i),
        timeout_s=options.timeout_s,
        phase=f"{phase} warm-up",
    )
    cpu_before = cpu_seconds()
    summary = await run_batch(
        options.cases, options.concurrency, one, timeout_s=options.timeout_s, phase=phase
    )
    assert summary is not None  # options.cases >= 1
    cpu_ms = (cpu_seconds() - cpu_before) * 1000
    return replace(summary, cpu_ms_per_run=cpu_ms / summary.count)


def system_config(root: Path, nats_url: str, temporal_address: str) -> SystemConfig:
    return SystemConfig(
        nats_url=nats_url,
        temporal_address=temporal_address,
        database_urls={name: f"sqlite+aiosqlite:///{root / name}.db" for name in SERVICES},
        dev_token_secret=secrets.token_urlsafe(32),
        # A bulk wave is what is measured: the per-user filing limit would cut it off.
        extra={"rate_limit_filing": "1000000/minute"},
    )


async def run(options: Options) -> dict[str, Any]:
    """Start the engines and the system in a temporary directory, measure, stop everything."""
    with tempfile.TemporaryDirectory(prefix="lifecase-bench-") as tmp:
        root = Path(tmp)
        db_file = root / "temporal.db" if options.temporal_db == "file" else None
        async with (
            nats_server(root / "nats", log_dir=root / "logs") as nats_url,
            temporal_dev_server(db_file, log_dir=root / "logs") as temporal_address,
        ):
            system = EmbeddedSystem(system_config(root, nats_url, temporal_address))
            try:
                await system.start()
                lifecase = await measure_lifecase(system, nats_url, options)
                floor = await measure_baseline(temporal_address, options, activities=1)
                baseline = await measure_baseline(
                    temporal_address, options, activities=SUBCASES_PER_HIRING
                )
                light: dict[str, Summary] = {}
                if options.light:
                    # Light load: one at a time, so latency is the path's own, not a queue's.
                    one = replace(options, cases=options.light, concurrency=1)
                    light["lifecase"] = await measure_lifecase(system, nats_url, one)
                    light["floor"] = await measure_baseline(temporal_address, one, activities=1)
            finally:
                await system.stop()
    return report(options, lifecase, baseline, floor, light)


def report(
    options: Options,
    lifecase: Summary,
    baseline: Summary,
    floor: Summary,
    light: dict[str, Summary] | None = None,
) -> dict[str, Any]:
    light = light or {}
    return {
        "benchmark": "e2e_hiring",
        "machine": {
            "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "parameters": {
            "cases": options.cases,
            "concurrency": options.concurrency,
            "warmup": options.warmup,
            "timeout_s": options.timeout_s,
            "subcases_per_case": SUBCASES_PER_HIRING,
        },
        "temporal_server": options.temporal_db,
        "lifecase": lifecase.as_dict(),
        "baseline": baseline.as_dict(),
        "baseline_one_activity": floor.as_dict(),
        "light_load": {name: summary.as_dict() for name, summary in light.items()},
        "ratios": {
            # The light-load goal: a case's own latency <= 2x the floor's (one at a time).
            "light_lifecase_p50_over_one_activity_p50": (
                round(light["lifecase"].p50_ms / light["floor"].p50_ms, 2) if light else None
            ),
            # The goal: lifecase's throughput as a share of the engine's floor (>= 0.5).
            "lifecase_throughput_over_one_activity_throughput": round(
                lifecase.per_s / floor.per_s, 3
            ),
            "lifecase_p50_over_one_activity_p50": round(lifecase.p50_ms / floor.p50_ms, 2),
            "lifecase_cpu_over_one_activity_cpu": _ratio(
                lifecase.cpu_ms_per_run, floor.cpu_ms_per_run
            ),
            "lifecase_p50_over_baseline_p50": round(lifecase.p50_ms / baseline.p50_ms, 2),
            "baseline_throughput_over_lifecase_throughput": round(
                baseline.per_s / lifecase.per_s, 2
            ),
        },
    }


def table(result: dict[str, Any]) -> str:
    params = result["parameters"]
    lines = [
        f"e2e_hiring: {params['cases']} runs, {params['concurrency']} in flight, "
        f"temporal {result['temporal_server']}, {result['machine']['cpu_count']} CPUs",
        f"{'':<30}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'per s':>10}{'CPU ms':>10}",
    ]
    rows = (
        ("lifecase (submit -> 5 routed)", result["lifecase"]),
        ("baseline (1 no-op activity)", result["baseline_one_activity"]),
        ("baseline (5 no-op activities)", result["baseline"]),
    )
    for name, s in rows:
        lines.append(
            f"{name:<30}{s['p50_ms']:>10.0f}{s['p99_ms']:>10.0f}{s['max_ms']:>10.0f}"
            f"{s['per_s']:>10.1f}{s['cpu_ms_per_run']:>10.0f}"
        )
    for name, s in result["light_load"].items():
        label = "light: " + ("lifecase" if name == "lifecase" else "1 no-op activity")
        lines.append(
            f"{label:<30}{s['p50_ms']:>10.0f}{s['p99_ms']:>10.0f}{s['max_ms']:>10.0f}"
            f"{s['per_s']:>10.1f}{s['cpu_ms_per_run']:>10.0f}"
        )
    ratios = result["ratios"]
    if ratios["light_lifecase_p50_over_one_activity_p50"] is not None:
        lines.append(
            f"light load p50 / 1-activity p50: "
            f"{ratios['light_lifecase_p50_over_one_activity_p50']}x (goal <= 2)"
        )
    lines.append(
        f"lifecase throughput / 1-activity throughput: "
        f"{ratios['lifecase_throughput_over_one_activity_throughput']} (goal >= 0.5); "
        f"p50 / 1-activity p50: {ratios['lifecase_p50_over_one_activity_p50']}x; "
        f"CPU per case / 1-activity: {ratios['lifecase_cpu_over_one_activity_cpu']}x"
    )
    lines.append(
        f"lifecase p50 / baseline p50: {ratios['lifecase_p50_over_baseline_p50']}x; "
        f"baseline / lifecase throughput: "
        f"{ratios['baseline_throughput_over_lifecase_throughput']}x"
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    return run_benchmark(lambda: run(options), table, options.json_path)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


if __name__ == "__main__":
    sys.exit(main())
