"""Queue-listing latency as a queue grows: 1k, 10k and 100k open items, SQLite and PostgreSQL.

Run from the repository root::

    .venv/bin/python -m bench.queue_listing
    .venv/bin/python -m bench.queue_listing --sizes 1000,10000 --backends sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any, Literal, cast

import asyncpg
import httpx
from sqlalchemy import Table, insert, select, text

from bench.report import BenchmarkError, machine, run_benchmark
from bench.stats import Summary, summarise
from lifecase_embedded.engines import nats_server
from lifecase_platform.auth import DevTokens, Principal
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.bootstrap import RoutingService, build
from lifecase_routing.models import WorkItem
from lifecase_routing.queues import encode_cursor
from lifecase_routing.settings import RoutingSettings

Backend = Literal["sqlite", "postgresql"]
QUEUE = "payroll"
WORKERS = ["paula", "lene", "robot-payroll", "pia", "per"]
BATCH = 5_000
BASE_URL = "http://lifecase"
POSTGRES_ADMIN_URL = os.environ.get(
    "LIFECASE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)

# What is measured at every size; each is one GET as paula, a payroll caseworker.
LISTINGS: dict[str, dict[str, Any]] = {
    "first page": {},
    "middle page": {"after": "<middle>"},
    "claimed only": {"status": "claimed"},
    "assigned to me": {"assignee": "me"},
    "type filter": {"subcase_type": "payroll.change"},
    # A substring search has no index to use: with no match it reads the whole queue.
    "text, no match (scan)": {"text": "no such words"},
}


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    backends: list[Backend]
    requests: int
    warmup: int
    page: int
    json_path: Path | None


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.queue_listing",
        description="Latency of listing a queue through the API as it grows, on SQLite and "
        "PostgreSQL, beside a bare endpoint and a bare primary-key lookup.",
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="open items, ascending")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per cell")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per cell")
    parser.add_argument("--page", type=int, default=50, help="items per page")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    backends: list[Backend] = [b.strip() for b in args.backends.split(",")]
    if (
        sizes != sorted(sizes)
        or sizes[0] < 1
        or any(b not in ("sqlite", "postgresql") for b in backends)
    ):
        parser.error("--sizes must ascend from >= 1; --backends is sqlite and/or postgresql")
    if args.requests < 1 or args.warmup < 0 or not 1 <= args.page <= 200:
        parser.error("--requests >= 1, --warmup >= 0, 1 <= --page <= 200")
    return Options(
        sizes=sizes,
        backends=backends,
        requests=args.requests,
        warmup=args.warmup,
        page=args.page,
        json_path=args.json,
    )


@asynccontextmanager
async def database(backend: Backend, tmp: Path) -> AsyncIterator[str]:
    """An empty database for routing; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / 'routing.db'}"
        return
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise BenchmarkError(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}") from error
    name = f"lc_bench_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def item_rows(start: int, count: int, today: date, rng: random.Random) -> list[dict[str, Any]]:
    """Open payroll items due over the next four months: 70 % queued, 20 % claimed by one of
    five caseworkers, 10 % waiting for the reporter; a closed twin of each for history."""
    now = datetime.now(UTC)
    rows = []
    for n in range(start, start + count):
        roll = rng.random()
        status = "queued" if roll < 0.7 else "claimed" if roll < 0.9 else "waiting_for_reporter"
        for closed in (False, True):
            rows.append(
                {
                    "id": f"bench-{n:07d}-{'c' if closed else 'o'}",
                    "case_id": f"case-{n:07d}",
                    "activity": "payroll_setup",
                    "subcase_type": "payroll.change" if n % 4 == 0 else "payroll.setup",
                    "title_da": "Lønoprettelse",
                    "title_en": "Payroll setup",
                    "fields": {"employee_name": f"Medarbejder {n}", "weekly_hours": 37},
                    "queue": QUEUE,
                    "status": "resolved" if closed else status,
                    "is_open": not closed,
                    "assignee": None if status == "queued" else rng.choice(WORKERS),
                    "due_date": today + timedelta(days=rng.randint(1, 120)),
                    "reporter": "rita",
                    "department": "Børne- og Ungeforvaltningen",
                    "unit_hint": "payroll",
                    "rule": "payroll-by-type",
                    "ruleset_version": 1,
                    "resolution": "Oprettet" if closed else None,
                    "reason": None,
                    "search_text": f"lønoprettelse payroll setup medarbejder {n}",
                    "sla_paused_at": now if status == "waiting_for_reporter" else None,
                    "sla_breach_reported": None,
                    "created_at": now,
                    "closed_at": now if closed else None,
                }
            )
    return rows


async def grow_to(service: RoutingService, have: int, want: int, rng: random.Random) -> float:
    """Bulk-insert open items (with SQLAlchemy Core) until the queue holds ``want``; seconds."""
    start = perf_counter()
    table = cast(Table, WorkItem.__table__)
    today = today_in_denmark()
    async with service.app.state.sessions() as session, session.begin():
        for offset in range(have, want, BATCH):
            await session.execute(
                insert(table), item_rows(offset, min(BATCH, want - offset), today, rng)
            )
    async with service.app.state.sessions() as session, session.begin():
        # Fresh statistics, as autovacuum (PostgreSQL) or a maintenance job would leave them.
        await session.execute(text("ANALYZE"))
    return perf_counter() - start


async def timed(count: int, warmup: int, one: Callable[[], Awaitable[None]]) -> Summary:
    for _ in range(warmup):
        await one()
    latencies = []
    start = perf_counter()
    for _ in range(count):
        began = perf_counter()
        await one()
        latencies.append(perf_counter() - began)
    return summarise(latencies, perf_counter() - start)


async def middle_cursor(service: RoutingService, size: int) -> str:
    """The cursor that opens the page in the middle of the queue's open items."""
    async with service.app.state.sessions() as session:
        due, item_id = (
            await session.execute(
                select(WorkItem.due_date, WorkItem.id)
                .where(WorkItem.queue == QUEUE, WorkItem.is_open.is_(True))
                .order_by(WorkItem.due_date, WorkItem.id)
                .offset(size // 2)
                .limit(1)
            )
        ).one()
    cursor: str = encode_cursor(due, item_id)
    return cursor


async def measure_size(
    service: RoutingService, http: httpx.AsyncClient, size: int, options: Options
) -> dict[str, Any]:
    middle = await middle_cursor(service, size)
    cells: dict[str, Any] = {}
    for name, params in LISTINGS.items():
        query = {"limit": options.page, **params}
        if query.get("after") == "<middle>":
            query["after"] = middle

        async def listing(query: dict[str, Any] = query) -> None:
            if "text" in query:  # free text is searched by POST, never in the URL
                response = await http.post(f"/api/v1/queues/{QUEUE}/items/search", json=query)
            else:
                response = await http.get(f"/api/v1/queues/{QUEUE}/items", params=query)
            expect_items = "text" not in query
            if response.status_code != 200 or (expect_items and not response.json()["items"]):
                raise BenchmarkError(f"listing {query} gave HTTP {response.status_code}")

        cells[name] = (await timed(options.requests, options.warmup, listing)).as_dict()

    async def bare_endpoint() -> None:
        await http.get("/livez")

    async def listing_sql() -> None:
        async with service.app.state.sessions() as session:
            rows = await session.execute(
                select(WorkItem.__table__)
                .where(WorkItem.queue == QUEUE, WorkItem.is_open.is_(True))
                .order_by(WorkItem.due_date, WorkItem.id)
                .limit(options.page + 1)
            )
            rows.all()

    async def pk_lookup() -> None:
        async with service.app.state.sessions() as session:
            await session.execute(
                select(WorkItem.__table__).where(WorkItem.id == "bench-0000000-o")
            )

    cells["baseline: bare endpoint"] = (
        await timed(options.requests, options.warmup, bare_endpoint)
    ).as_dict()
    cells["baseline: page SQL only"] = (
        await timed(options.requests, options.warmup, listing_sql)
    ).as_dict()
    cells["baseline: pk lookup"] = (
        await timed(options.requests, options.warmup, pk_lookup)
    ).as_dict()
    return cells


async def run_backend(
    backend: Backend, options: Options, nats_url: str, tmp: Path
) -> dict[str, Any]:
    rng = random.Random(4)
    secret = secrets.token_urlsafe(32)
    async with database(backend, tmp) as url:
        service = build(
            RoutingSettings(
                environment="dev",
                nats_url=nats_url,
                dev_token_secret=secret,
                LIFECASE_ROUTING_DATABASE_URL=url,
            )
        )
        await asyncio.to_thread(service.migrate)
        await service.start()
        try:
            await service.seed()
            token = DevTokens(secret).issue(Principal(username="paula", roles=["caseworker"]))
            results: dict[str, Any] = {}
            have = 0
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=service.app),
                base_url=BASE_URL,
                headers={"Authorization": f"Bearer {token}"},
            ) as http:
                for size in options.sizes:
                    insert_s = await grow_to(service, have, size, rng)
                    have = size
                    results[str(size)] = {
                        "insert_s": round(insert_s, 2),
                        "cells": await measure_size(service, http, size, options),
                    }
            return results
        finally:
            await service.stop()


async def run(options: Options) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lifecase-bench-") as tmp:
        root = Path(tmp)
        async with nats_server(root / "nats", log_dir=root / "logs") as nats_url:
            by_backend: dict[str, Any] = {}
            for backend in options.backends:
                (root / backend).mkdir()
                by_backend[backend] = await run_backend(backend, options, nats_url, root / backend)
    return report(options, by_backend)


def report(options: Options, by_backend: dict[str, Any]) -> dict[str, Any]:
    first, last = str(options.sizes[0]), str(options.sizes[-1])
    growth = {
        backend: {
            name: round(
                sizes[last]["cells"][name]["p50_ms"] / sizes[first]["cells"][name]["p50_ms"], 2
            )
            for name in sizes[first]["cells"]
        }
        for backend, sizes in by_backend.items()
    }
    return {
        "benchmark": "queue_listing",
        "machine": machine(),
        "parameters": {
            "sizes": options.sizes,
            "requests": options.requests,
            "warmup": options.warmup,
            "page": options.page,
            "closed_items_per_open_item": 1,
        },
        "results": by_backend,
        f"p50_growth_{first}_to_{last}": growth,
    }


def table(result: dict[str, Any]) -> str:
    params = result["parameters"]
    sizes = [str(s) for s in params["sizes"]]
    lines = [
        f"queue_listing: p50 / p99 ms of {params['requests']} sequential requests, "
        f"{params['page']} items a page, in-process ASGI, {result['machine']['cpu_count']} CPUs",
    ]
    growth_key = next(k for k in result if k.startswith("p50_growth_"))
    lines.append(f"open items in the queue across; growth = p50 at {sizes[-1]} / p50 at {sizes[0]}")
    for backend, by_size in result["results"].items():
        lines.append("")
        header = f"{backend:<26}" + "".join(f"{int(s):>16,}" for s in sizes)
        lines.append(header + f"{'p50 growth':>16}")
        for name in by_size[sizes[0]]["cells"]:
            row = f"{name:<26}"
            for size in sizes:
                cell = by_size[size]["cells"][name]
                row += f"{cell['p50_ms']:>9.1f} /{cell['p99_ms']:>5.1f}"
            row += f"{result[growth_key][backend][name]:>15.2f}x"
            lines.append(row)
        inserts = ", ".join(f"{int(s):,}: {by_size[s]['insert_s']} s" for s in sizes)
        lines.append(f"{'(bulk insert to size)':<26} {inserts}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    return run_benchmark(lambda: run(options), table, options.json_path)


if __name__ == "__main__":
    sys.exit(main())
