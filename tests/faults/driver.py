"""The fault suite's driver: keeps hiring cases flowing through a running lifecase over HTTP
(filed by a reporter, worked by caseworkers), injects one fault mid-flow, and measures what a
municipality would ask afterwards: was any accepted case lost, was anything done twice, how
long until the system healed, and did anyone have to step in.

A target is anything with a base URL and a way to inject faults, such as ``lifecase run``
started by the suite itself (``embedded.py``)."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from tests.support import UNIT_WORKERS, hiring_data

SUBCASES_PER_HIRING = 5


def hiring(n: int) -> dict[str, Any]:
    """A hiring that starts in a week, so all five sub-cases open at once."""
    return hiring_data(employee_name=f"Fault Test {n}")


@dataclass
class Outcome:
    """One fault's result, as the table shows it."""

    fault: str
    accepted: int
    lost: int
    duplicated: int
    resolved_cases: int
    not_ready_after_seconds: float | None  # from the fault until /readyz said 503 (or no answer)
    named_down: list[str]
    healed_after_seconds: float | None  # from the fault until /readyz said 200 again
    all_routed_after_seconds: float | None  # from the fault until every case was routed
    operator_needed: bool
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and not self.operator_needed

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


class Flow:
    """Cases filed and worked over HTTP, with the retries a real client makes: the same
    Idempotency-Key again after a connection error or a 5xx, until the deadline."""

    def __init__(self, base_url: str, *, deadline: float) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=10)
        self.deadline = deadline
        self.tokens: dict[str, str] = {}
        self.accepted: dict[str, str] = {}  # idempotency key -> case id
        self._accepted_more = asyncio.Event()
        self.resolved: set[str] = set()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, *, user: str, **kw: Any) -> httpx.Response:
        """The response once the system answers with something other than a 5xx."""
        while True:
            try:
                if user not in self.tokens:
                    r = await self.http.post("/api/v1/dev/token", json={"username": user})
                    r.raise_for_status()
                    self.tokens[user] = r.json()["access_token"]
                headers = {"Authorization": f"Bearer {self.tokens[user]}", **kw.pop("headers", {})}
                response = await self.http.request(method, path, headers=headers, **kw)
                if response.status_code < 500 and response.status_code != 429:
                    return response
            except httpx.HTTPError:
                pass
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"{method} {path}: no answer before the deadline")
            await asyncio.sleep(0.5)

    async def file(self, n: int, run: str) -> None:
        key = f"fault-{run}-{n}"
        response = await self._call(
            "POST",
            "/api/v1/cases",
            user="rita",
            headers={"Idempotency-Key": key},
            json={"event_type": "hiring", "data": hiring(n)},
        )
        if response.status_code in (200, 201):
            self.accepted[key] = response.json()["id"]
            self._accepted_more.set()

    async def until_accepted(self, count: int) -> None:
        """Until ``count`` filings were accepted."""
        while len(self.accepted) < count:
            self._accepted_more.clear()
            await self._accepted_more.wait()

    async def case(self, case_id: str) -> dict[str, Any]:
        return dict((await self._call("GET", f"/api/v1/cases/{case_id}", user="rita")).json())

    async def work(self, case_id: str) -> None:
        """A caseworker of each unit claims and resolves the case's sub-cases once routed."""
        case = await self.wait_routed(case_id)
        for sub in case["subcases"]:
            worker = UNIT_WORKERS[sub["unit"]]
            claim = await self._call("POST", f"/api/v1/work-items/{sub['id']}/claim", user=worker)
            if claim.status_code not in (200, 409):
                raise AssertionError(f"claim: {claim.status_code} {claim.text}")
            await self._call(
                "POST",
                f"/api/v1/work-items/{sub['id']}/resolve",
                user=worker,
                json={"resolution": "Klaret"},
            )
        self.resolved.add(case_id)

    async def wait_routed(self, case_id: str) -> dict[str, Any]:
        while True:
            case = await self.case(case_id)
            subs = case["subcases"]
            if len(subs) >= SUBCASES_PER_HIRING and all(
                s["status"] in ("routed", "resolved") for s in subs
            ):
                return case
            if time.monotonic() > self.deadline:
                return case
            await asyncio.sleep(0.5)

    async def settled(self, case_id: str) -> bool:
        """Routed in full; and completed, if its sub-cases were resolved."""
        case = await self.case(case_id)
        if case_id in self.resolved:
            return bool(case["status"] == "completed")
        subs = case["subcases"]
        return len(subs) >= SUBCASES_PER_HIRING and all(s["status"] == "routed" for s in subs)

    async def duplicates(self) -> int:
        """Sub-cases beyond five on any case, and work items listed twice in the queues."""
        extra = 0
        for case_id in self.accepted.values():
            extra += max(0, len((await self.case(case_id))["subcases"]) - SUBCASES_PER_HIRING)
        mine = set(self.accepted.values())
        seen: Counter[tuple[str, str]] = Counter()
        for queue, worker in UNIT_WORKERS.items():
            for status in ("open", "closed"):
                after: str | None = None
                while True:
                    params: dict[str, Any] = {"status": status, "limit": 200}
                    if after:
                        params["after"] = after
                    page = (
                        await self._call(
                            "GET", f"/api/v1/queues/{queue}/items", user=worker, params=params
                        )
                    ).json()
                    for item in page["items"]:
                        if item["case_id"] in mine:
                            seen[(item["case_id"], item["activity"])] += 1
                    after = page["next_cursor"]
                    if not after:
                        break
        return extra + sum(count - 1 for count in seen.values() if count > 1)


async def readiness(http: httpx.AsyncClient) -> tuple[int | None, list[str]]:
    """``/readyz``'s status and what it names as down (None: no answer at all)."""
    try:
        response = await http.get("/readyz", timeout=2)
    except httpx.HTTPError:
        return None, []
    return response.status_code, list(response.json().get("down", []))


async def run_fault(
    base_url: str,
    name: str,
    inject: Callable[[], Awaitable[None]],
    *,
    cases: int,
    timeout: float = 240,
    operator: Callable[[], bool] = lambda: False,
) -> Outcome:
    """File ``cases`` hiring cases: a third before the fault (those are worked to the end by
    caseworkers while the fault happens), the rest while it happens and after. Then wait
    until every accepted case is routed (or completed) and count what went wrong."""
    run = uuid.uuid4().hex[:8]
    flow = Flow(base_url, deadline=time.monotonic() + timeout)
    numbers = itertools.count()
    first = max(1, cases // 3)
    notes: list[str] = []
    try:
        await _bounded(flow.file(next(numbers), run) for _ in range(first))
        early = list(flow.accepted.values())
        workers = [asyncio.create_task(flow.work(case_id)) for case_id in early]
        filing = asyncio.create_task(  # noqa: RUF006 - awaited below
            _bounded(flow.file(next(numbers), run) for _ in range(cases - first))
        )
        # The fault comes while the second wave is being filed: once its first case is in.
        second_wave = asyncio.ensure_future(flow.until_accepted(first + 1))
        await asyncio.wait({second_wave, filing}, return_when=asyncio.FIRST_COMPLETED)
        second_wave.cancel()
        fault_at = time.monotonic()
        watch = asyncio.create_task(_watch_readiness(base_url, fault_at, flow.deadline))
        await inject()
        await filing
        await asyncio.gather(*workers, return_exceptions=True)
        not_ready_after, named, healed_after = await watch
        pending = set(flow.accepted.values())
        while pending and time.monotonic() < flow.deadline:
            done = await asyncio.gather(*(flow.settled(c) for c in pending))
            pending = {c for c, ok in zip(list(pending), done, strict=True) if not ok}
            if pending:
                await asyncio.sleep(0.5)
        routed_after = None if pending else time.monotonic() - fault_at
        duplicated = await flow.duplicates()
        if len(flow.accepted) < cases:
            notes.append(f"{cases - len(flow.accepted)} filings not accepted before the deadline")
        return Outcome(
            fault=name,
            accepted=len(flow.accepted),
            lost=len(pending),
            duplicated=duplicated,
            resolved_cases=len(flow.resolved),
            not_ready_after_seconds=not_ready_after,
            named_down=named,
            healed_after_seconds=healed_after,
            all_routed_after_seconds=routed_after,
            operator_needed=operator(),
            notes=notes,
        )
    finally:
        await flow.aclose()


async def _bounded(calls: Any, concurrency: int = 8) -> None:
    """Run the calls, at most ``concurrency`` at a time (eight clients filing at once)."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(call: Awaitable[None]) -> None:
        async with semaphore:
            await call

    await asyncio.gather(*(one(c) for c in calls))


async def _watch_readiness(
    base_url: str, since: float, deadline: float
) -> tuple[float | None, list[str], float | None]:
    """When /readyz first said "not ready" after the fault (and what it named), and when it
    said "ready" again after that."""
    not_ready_at: float | None = None
    named: list[str] = []
    async with httpx.AsyncClient(base_url=base_url) as http:
        while time.monotonic() < deadline:
            status, down = await readiness(http)
            now = time.monotonic() - since
            if status != 200 and not_ready_at is None:
                not_ready_at, named = now, down
            elif status != 200 and not named and down:
                named = down
            if status == 200 and not_ready_at is not None:
                return not_ready_at, named, now
            if status == 200 and now > 20:
                return None, [], None  # the fault never showed
            await asyncio.sleep(0.1)
    return not_ready_at, named, None


def table(outcomes: list[Outcome]) -> str:
    """The outcomes as a fixed-width table."""
    w = max([38, *(len(o.fault) for o in outcomes)])
    head = (
        f"{'fault':{w}} {'accepted':>8} {'lost':>5} {'dup':>4} {'503 after':>9} "
        f"{'healed':>7} {'routed':>7}  operator  named"
    )
    lines = [head, "-" * len(head)]

    def secs(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}s"

    for o in outcomes:
        lines.append(
            f"{o.fault:{w}} {o.accepted:>8} {o.lost:>5} {o.duplicated:>4} "
            f"{secs(o.not_ready_after_seconds):>9} {secs(o.healed_after_seconds):>7} "
            f"{secs(o.all_routed_after_seconds):>7}  {'yes' if o.operator_needed else 'no':8}"
            f"  {','.join(o.named_down) or '-'}"
        )
    total = sum(o.accepted for o in outcomes)
    lines.append(
        f"{'all':{w}} {total:>8} {sum(o.lost for o in outcomes):>5} "
        f"{sum(o.duplicated for o in outcomes):>4}"
    )
    return "\n".join(lines)
