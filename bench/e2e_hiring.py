"""End-to-end benchmark: hiring cases through lifecase against bare Temporal workflows on the
same server: one with a single no-op activity (the engine's floor cost per case) and one that
fans out to as many no-op activities as a hiring has sub-cases.

Run from the repository root::

    .venv/bin/python -m bench.e2e_hiring --cases 50 --concurrency 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import statistics
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any, Literal

import asyncpg
import httpx
import nats
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from bench.baseline import FanOutInput, FanOutWorkflow, noop
from bench.report import BenchmarkError, machine, run_benchmark
from bench.stats import Summary, cpu_by_process, summarise
from lifecase_contracts.events import SubcaseRouted
from lifecase_embedded import devidp
from lifecase_embedded.cluster import service_databases
from lifecase_embedded.engines import free_port, nats_server, temporal_dev_server
from lifecase_embedded.system import SERVICES, SystemConfig
from lifecase_platform.auth import DevTokens

# The activities of services/lifecycle/src/lifecase_lifecycle/catalogue/hiring.yaml.
SUBCASES_PER_HIRING = 5
REPORTER = "rita"
BASE_URL = "http://lifecase"

TemporalDb = Literal["memory", "file"]
Database = Literal["sqlite", "postgresql"]
Topology = Literal["single", "services"]
POSTGRES_ADMIN_URL = os.environ.get(
    "LIFECASE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Options:
    cases: int
    concurrency: int
    temporal_db: TemporalDb
    json_path: Path | None
    warmup: int
    timeout_s: float
    light: int = 10
    clients: int = 8
    burst: int = 500
    database: Database = "sqlite"
    runs: int = 3
    topology: Topology = "single"
    profile: Path | None = None


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
    parser.add_argument(
        "--clients", type=int, default=8, help="HTTP clients (own connections) filing cases"
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=500,
        help="cases filed all at once after the measured runs (memory before/after); 0: none",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="the services' databases: SQLite files (embedded default) or PostgreSQL "
        "(fresh databases at LIFECASE_BENCH_POSTGRES_URL, dropped afterwards)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="measured rounds; the ratios' median is reported"
    )
    parser.add_argument(
        "--topology",
        choices=["single", "services"],
        default="single",
        help="all services in one process (the embedded default) or each in its own",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="run each lifecase process under cProfile and write DIR/<process>.prof when it "
        "stops (read with `python -m pstats`); the figures then include the profiler's cost",
    )
    args = parser.parse_args(argv)
    if (
        args.cases < 1
        or args.concurrency < 1
        or args.warmup < 0
        or args.timeout <= 0
        or args.light < 0
        or args.clients < 1
        or args.burst < 0
        or args.runs < 1
    ):
        parser.error(
            "--cases, --concurrency, --clients and --runs must be >= 1; --warmup, --light "
            "and --burst >= 0; --timeout > 0"
        )
    return Options(
        cases=args.cases,
        concurrency=args.concurrency,
        temporal_db=args.temporal_db,
        json_path=args.json,
        warmup=args.warmup,
        timeout_s=args.timeout,
        light=args.light,
        clients=args.clients,
        burst=args.burst,
        database=args.database,
        runs=args.runs,
        topology=args.topology,
        profile=args.profile,
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


@dataclass
class SystemUnderTest:
    """The system in its own process, served over HTTP on ``base_url``."""

    base_url: str
    nats_url: str
    token: str
    processes: list[asyncio.subprocess.Process]

    def rss_mb(self) -> float | None:
        """Resident memory of the service processes together, in MiB."""
        sizes = [rss_mb(p.pid) for p in self.processes]
        return None if None in sizes else round(sum(s for s in sizes if s is not None), 1)


async def measure_lifecase(sut: SystemUnderTest, options: Options, *, phase: str) -> Summary:
    """Cases filed over HTTP by ``options.clients`` clients, each on its own connections."""
    tracker = RoutedTracker(SUBCASES_PER_HIRING)
    nc: NATS = await nats.connect(sut.nats_url, name="lifecase-bench")
    headers = {"Authorization": f"Bearer {sut.token}"}
    clients = [
        httpx.AsyncClient(base_url=sut.base_url, headers=headers, timeout=options.timeout_s)
        for _ in range(options.clients)
    ]
    try:
        await nc.subscribe(SubcaseRouted.TYPE, cb=tracker.on_message)
        await nc.flush()
        return await _warm_then_measure(
            lambda i: submit_hiring(clients[i % len(clients)], tracker, i), options, phase=phase
        )
    finally:
        for client in clients:
            await client.aclose()
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
    # The same sandbox settings as lifecase's worker: its workflow module passes through.
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("bench")
    )
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[FanOutWorkflow],
        activities=[noop],
        workflow_runner=runner,
    ):
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
    postgresql = options.database == "postgresql"
    cpu_before = cpu_by_process(postgresql=postgresql)
    summary = await run_batch(
        options.cases, options.concurrency, one, timeout_s=options.timeout_s, phase=phase
    )
    assert summary is not None  # options.cases >= 1
    by_process = {
        name: (seconds - cpu_before.get(name, 0.0)) * 1000 / summary.count
        for name, seconds in sorted(cpu_by_process(postgresql=postgresql).items())
    }
    return replace(
        summary,
        cpu_ms_per_run=sum(by_process.values()),
        cpu_ms_per_run_by_process=by_process,
    )


def system_config(
    root: Path, nats_url: str, temporal_address: str, database_urls: dict[str, str] | None = None
) -> SystemConfig:
    return SystemConfig(
        nats_url=nats_url,
        temporal_address=temporal_address,
        database_urls=database_urls
        or {name: f"sqlite+aiosqlite:///{root / name}.db" for name in SERVICES},
        dev_token_secret=secrets.token_urlsafe(32),
        # A bulk wave is what is measured: the per-user filing limit would cut it off.
        extra={"rate_limit_filing": "1000000/minute"},
    )


@asynccontextmanager
async def databases(options: Options, root: Path) -> AsyncIterator[dict[str, str] | None]:
    """Fresh PostgreSQL databases for the four services (dropped afterwards), or None for
    SQLite files in ``root``."""
    if options.database == "sqlite":
        yield None
        return
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    except (OSError, asyncpg.PostgresError) as error:
        raise BenchmarkError(
            f"no PostgreSQL at {POSTGRES_ADMIN_URL} ({type(error).__name__}); start it, or "
            "set LIFECASE_BENCH_POSTGRES_URL"
        ) from error
    prefix = f"lc_bench_{uuid.uuid4().hex[:10]}"
    try:
        yield await service_databases(POSTGRES_ADMIN_URL, prefix)
    finally:
        for name in SERVICES:
            await admin.execute(f'DROP DATABASE IF EXISTS "{prefix}_{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def system_processes(
    config: SystemConfig, root: Path, options: Options
) -> AsyncIterator[SystemUnderTest]:
    """The system in processes of its own, logging to files in ``root``: either all four
    services in one process (``bench/serve_system.py``, as ``make run`` runs them), or each
    service in its own (``python -m lifecase_<service>``, as production runs them), filed to
    at the intake's own port."""
    commands: list[tuple[str, list[str], dict[str, str]]] = []
    if options.topology == "single":
        port = free_port(18000)
        fields = {
            "nats_url": config.nats_url,
            "temporal_address": config.temporal_address,
            "database_urls": config.database_urls,
            "dev_token_secret": config.dev_token_secret,
            "extra": config.extra,
        }
        args = ["-m", "bench.serve_system", str(port), json.dumps(fields)]
        commands.append(("system", args, dict(os.environ)))
    else:
        ports = {name: free_port(18000 + 10 * i) for i, name in enumerate(SERVICES)}
        port = ports["intake"]
        for name in SERVICES:
            args = ["-m", f"lifecase_{name}", "--port", str(ports[name]), "--migrate"]
            if name in ("lifecycle", "routing"):
                args.append("--seed")
            commands.append((name, args, service_environment(config, name, ports)))
    if options.profile is not None:
        options.profile.mkdir(parents=True, exist_ok=True)
        profiled = options.profile.resolve()
        commands = [
            (name, ["-m", "cProfile", "-o", str(profiled / f"{name}.prof"), *args], env)
            for name, args, env in commands
        ]
    processes: list[asyncio.subprocess.Process] = []
    with contextlib.ExitStack() as files:
        try:
            for name, args, env in commands:
                log_file = files.enter_context((root / f"{name}.log").open("wb"))
                processes.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        *args,
                        stdout=log_file,
                        stderr=log_file,
                        cwd=Path(__file__).parents[1],
                        env=env,
                    )
                )
            user = devidp.load_users()[REPORTER]
            sut = SystemUnderTest(
                base_url=f"http://127.0.0.1:{port}",
                nats_url=config.nats_url,
                token=DevTokens(config.dev_token_secret).issue(user),
                processes=processes,
            )
            await wait_until_serving(sut, options.timeout_s)
            yield sut
        finally:
            for process in processes:
                if process.returncode is None:
                    process.terminate()
            for process in processes:
                try:
                    await asyncio.wait_for(process.wait(), timeout=30)
                except TimeoutError:
                    process.kill()
                    await process.wait()


def service_environment(
    config: SystemConfig, service: str, ports: dict[str, int]
) -> dict[str, str]:
    """One service's settings, as a deployment passes them: environment variables."""
    return {
        **os.environ,
        "LIFECASE_ENVIRONMENT": "dev",
        "LIFECASE_AUTH_MODE": "dev",
        "LIFECASE_DEV_TOKEN_SECRET": config.dev_token_secret,
        "LIFECASE_NATS_URL": config.nats_url,
        "LIFECASE_TEMPORAL_ADDRESS": config.temporal_address,
        f"LIFECASE_{service.upper()}_DATABASE_URL": config.database_urls[service],
        "LIFECASE_LIFECYCLE_URL": f"http://127.0.0.1:{ports['lifecycle']}",
        "LIFECASE_ROUTING_URL": f"http://127.0.0.1:{ports['routing']}",
        **{f"LIFECASE_{key.upper()}": str(value) for key, value in config.extra.items()},
    }


async def wait_until_serving(sut: SystemUnderTest, timeout_s: float) -> None:
    """Until the system answers and its intake lists the hiring event type."""
    headers = {"Authorization": f"Bearer {sut.token}"}
    async with httpx.AsyncClient(base_url=sut.base_url, headers=headers) as http:
        try:
            async with asyncio.timeout(timeout_s):
                while True:
                    if any(p.returncode is not None for p in sut.processes):
                        raise BenchmarkError("a service process exited while starting")
                    with contextlib.suppress(httpx.TransportError):
                        await wait_for_event_type(http, "hiring", timeout_s)
                        return
                    await asyncio.sleep(0.2)
        except TimeoutError as error:
            raise BenchmarkError(f"the system did not serve within {timeout_s:.0f} s") from error


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MiB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


async def run_round(
    sut: SystemUnderTest, temporal_address: str, options: Options
) -> dict[str, Summary]:
    """One round: lifecase, the one-activity floor, the fan-out baseline, light load."""
    round_ = {
        "lifecase": await measure_lifecase(sut, options, phase="lifecase"),
        "floor": await measure_baseline(temporal_address, options, activities=1),
        "baseline": await measure_baseline(
            temporal_address, options, activities=SUBCASES_PER_HIRING
        ),
    }
    if options.light:
        # Light load: one at a time, so latency is the path's own, not a queue's.
        one = replace(options, cases=options.light, concurrency=1)
        round_["light_lifecase"] = await measure_lifecase(sut, one, phase="light lifecase")
        round_["light_floor"] = await measure_baseline(temporal_address, one, activities=1)
    return round_


async def run_burst(sut: SystemUnderTest, options: Options) -> dict[str, Any]:
    """``options.burst`` cases filed at once; the system process's memory before and after."""
    before = sut.rss_mb()
    burst = replace(options, cases=options.burst, concurrency=options.burst, warmup=0)
    summary = await measure_lifecase(sut, burst, phase=f"burst of {options.burst}")
    return {
        **summary.as_dict(),
        "all_routed": summary.count == options.burst,
        "system_rss_mb_before": before,
        "system_rss_mb_after": sut.rss_mb(),
    }


async def run(options: Options) -> dict[str, Any]:
    """Start the engines and the system in a temporary directory, measure, stop everything."""
    with tempfile.TemporaryDirectory(prefix="lifecase-bench-") as tmp:
        root = Path(tmp)
        db_file = root / "temporal.db" if options.temporal_db == "file" else None
        async with (
            nats_server(root / "nats", log_dir=root / "logs") as nats_url,
            temporal_dev_server(db_file, log_dir=root / "logs") as temporal_address,
            databases(options, root) as database_urls,
        ):
            config = system_config(root, nats_url, temporal_address, database_urls)
            async with system_processes(config, root, options) as sut:
                rounds = [
                    await run_round(sut, temporal_address, options) for _ in range(options.runs)
                ]
                burst = await run_burst(sut, options) if options.burst else None
    return report(options, rounds, burst)


def round_report(r: dict[str, Summary]) -> dict[str, Any]:
    lifecase, floor, baseline = r["lifecase"], r["floor"], r["baseline"]
    light = {name: r[f"light_{name}"] for name in ("lifecase", "floor") if f"light_{name}" in r}
    return {
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


def report(
    options: Options, rounds: list[dict[str, Summary]], burst: dict[str, Any] | None = None
) -> dict[str, Any]:
    reports = [round_report(r) for r in rounds]
    median: dict[str, float | None] = {}
    for key in reports[0]["ratios"]:
        values = [rep["ratios"][key] for rep in reports if rep["ratios"][key] is not None]
        median[key] = round(statistics.median(values), 3) if values else None
    return {
        "benchmark": "e2e_hiring",
        "machine": machine(),
        "parameters": {
            "cases": options.cases,
            "concurrency": options.concurrency,
            "clients": options.clients,
            "warmup": options.warmup,
            "timeout_s": options.timeout_s,
            "subcases_per_case": SUBCASES_PER_HIRING,
            "runs": options.runs,
            "burst": options.burst,
        },
        "topology": options.topology,
        "database": options.database,
        "temporal_server": options.temporal_db,
        "rounds": reports,
        # The median of each ratio over the rounds: what the goals are judged on.
        "ratios": median,
        "burst": burst,
    }


def table(result: dict[str, Any]) -> str:
    params = result["parameters"]
    lines = [
        f"e2e_hiring: {params['cases']} cases per round, {params['concurrency']} in flight "
        f"over {params['clients']} HTTP clients, {params['runs']} rounds; "
        f"{result['topology']} process(es), database "
        f"{result['database']}, temporal {result['temporal_server']}, "
        f"{result['machine']['cpu_count']} CPUs",
        f"{'':<34}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'per s':>8}{'CPU ms':>8}",
    ]
    for number, rep in enumerate(result["rounds"], start=1):
        rows = [
            ("lifecase (submit -> 5 routed)", rep["lifecase"]),
            ("baseline (1 no-op activity)", rep["baseline_one_activity"]),
            ("baseline (5 no-op activities)", rep["baseline"]),
        ]
        rows += [
            ("light: " + ("lifecase" if name == "lifecase" else "1 no-op activity"), s)
            for name, s in rep["light_load"].items()
        ]
        for name, s in rows:
            lines.append(
                f"{f'{number}: {name}':<34}{s['p50_ms']:>9.0f}{s['p99_ms']:>9.0f}"
                f"{s['max_ms']:>9.0f}{s['per_s']:>8.1f}{_num(s['cpu_ms_per_run']):>8}"
            )
    ratios = result["ratios"]
    lines.append(
        f"median over rounds: throughput / 1-activity "
        f"{ratios['lifecase_throughput_over_one_activity_throughput']} (goal >= 0.5); "
        f"light-load p50 / 1-activity p50 {ratios['light_lifecase_p50_over_one_activity_p50']}x "
        f"(goal <= 2); CPU per case / 1-activity {ratios['lifecase_cpu_over_one_activity_cpu']}x"
    )
    burst = result["burst"]
    if burst:
        lines.append(
            f"burst of {params['burst']}: {burst['count']} routed "
            f"({'all' if burst['all_routed'] else 'NOT all'}), p50 {burst['p50_ms']:.0f} ms, "
            f"p99 {burst['p99_ms']:.0f} ms, {burst['per_s']:.1f} cases/s, "
            f"{_num(burst['cpu_ms_per_run'])} CPU ms per case; system process RSS "
            f"{burst['system_rss_mb_before']} -> {burst['system_rss_mb_after']} MiB"
            + "\n  CPU ms per case by process: "
            + ", ".join(f"{k} {v}" for k, v in burst["cpu_ms_per_run_by_process"].items())
        )
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    return run_benchmark(lambda: run(options), table, options.json_path)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


if __name__ == "__main__":
    sys.exit(main())
