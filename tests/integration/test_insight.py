"""The insight service: real cases flow through the system, the projection fed by the event
stream reflects them in the datasets, a unit lead sees only her units, and a rebuild from
the stream gives the same projection as the live consumer built."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import select

from lifecase_contracts.events import SubcaseClaimed, SubcaseReleased, decode
from lifecase_embedded.system import EmbeddedSystem
from lifecase_insight.models import PROJECTION, SubcaseFact
from lifecase_platform.db import as_utc
from lifecase_routing.models import outbox
from tests.support import (
    UNIT_WORKERS,
    Api,
    resolve_as_unit_workers,
    submit_hiring,
    wait_for,
    wait_for_case,
    wait_until_routed,
)
from tests.workspace import delete, put

pytestmark = pytest.mark.integration
INSIGHT = "/api/v1/insight"


async def _dataset(api: Api, name: str, *, as_: str = "ada", **params: str) -> Any:
    response = await api.get(f"{INSIGHT}/{name}", as_=as_, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _work_two_cases(api: Api) -> None:
    """One hiring worked to completion by the units' caseworkers; in another, HR transfers
    its item to the service desk and the payroll robot resolves payroll's."""
    done = await wait_until_routed(api, (await submit_hiring(api))["id"])
    await resolve_as_unit_workers(api, done)
    await wait_for_case(api, done["id"], lambda c: c["status"] == "completed", what="completion")
    other = await wait_until_routed(api, (await submit_hiring(api))["id"])
    by_unit = {s["unit"]: s for s in other["subcases"]}
    moved = await api.post(
        f"/api/v1/work-items/{by_unit['hr']['id']}/transfer",
        as_=UNIT_WORKERS["hr"],
        json={"queue": "triage", "reason": "Hører til visitationen"},
    )
    assert moved.status_code == 200, moved.text
    robot = "robot-payroll"
    item = by_unit["payroll"]["id"]
    assert (await api.post(f"/api/v1/work-items/{item}/claim", as_=robot)).status_code == 200
    resolved = await api.post(
        f"/api/v1/work-items/{item}/resolve", as_=robot, json={"resolution": "Oprettet"}
    )
    assert resolved.status_code == 200, resolved.text


async def _projection_settled(api: Api) -> dict[str, Any]:
    async def settled() -> dict[str, Any] | None:
        accuracy = await _dataset(api, "routing-accuracy")
        automation = await _dataset(api, "automation")
        payroll = [r for r in automation["rows"] if r["subcase_type"].startswith("payroll")]
        both = accuracy["routed"] == 10 and accuracy["transfers"] == 1
        if both and payroll and payroll[0]["resolved"] == 2:
            return {"accuracy": accuracy, "automation": automation}
        return None

    return await wait_for(settled, what="the projection to hold both cases", timeout=60)


async def _snapshot(system: EmbeddedSystem) -> dict[str, list[tuple[Any, ...]]]:
    sessions = system.insight.app.state.sessions
    async with sessions() as session:
        return {
            table.name: sorted(tuple(row) for row in (await session.execute(select(table))).all())
            for table in PROJECTION
        }


async def test_the_datasets_reflect_the_cases_and_a_rebuild_equals_the_live_projection(
    api: Api, system: EmbeddedSystem
) -> None:
    await _work_two_cases(api)
    seen = await _projection_settled(api)

    accuracy = seen["accuracy"]
    assert accuracy["first_time_right"] == 9
    rules = {r["rule"]: r for r in accuracy["rows"]}
    assert rules["hr-by-type"]["transfers"] == 1
    assert rules["hr-by-type"]["first_time_right_pct"] == 50.0

    payroll = next(r for r in seen["automation"]["rows"] if r["subcase_type"].startswith("payroll"))
    assert payroll["robot_share_pct"] == 50.0
    assert payroll["median_handling_minutes"] is not None  # the human resolution only
    assert [r["rank"] for r in seen["automation"]["rows"]] == list(
        range(1, len(seen["automation"]["rows"]) + 1)
    )

    lead = await _dataset(api, "lead-time/life-events")
    assert [(r["key"], r["count"]) for r in lead["rows"]] == [("hiring", 1)]
    weeks = await _dataset(api, "throughput")
    assert sum(r["cases_completed"] for r in weeks["rows"]) == 1
    assert sum(r["subcases_resolved"] for r in weeks["rows"]) == 6
    depth = await _dataset(api, "queue-depth")
    today = {p["queue"]: p["depth"] for p in depth["rows"] if p["day"] == depth["period"]["to"]}
    # The second hiring: HR's item moved to triage, payroll's resolved, the other three wait.
    assert (today["hr"], today["triage"], today["payroll"]) == (0, 1, 0)
    assert sum(today.values()) == 4
    sla = await _dataset(api, "sla-compliance")
    assert sum(r["total"] for r in sla["rows"]) == 10

    live = await _snapshot(system)
    assert sum(len(rows) for rows in live.values()) > 0
    replayed = await system.insight.rebuild()
    assert replayed > 0
    assert await _snapshot(system) == live


async def test_a_unit_lead_sees_only_her_units_and_caseworkers_see_nothing(
    api: Api, system: EmbeddedSystem
) -> None:
    await _work_two_cases(api)
    await _projection_settled(api)

    sla = await _dataset(api, "sla-compliance", as_="lene")  # leads payroll
    assert {r["unit"] for r in sla["rows"]} == {"payroll"}
    own = await _dataset(api, "routing-accuracy", as_="lene", unit="payroll")
    assert own["routed"] == 2
    other = await api.get(f"{INSIGHT}/sla-compliance", as_="lene", params={"unit": "hr"})
    assert other.status_code == 403
    assert other.headers["content-type"].startswith("application/problem+json")
    caseworker = await api.get(f"{INSIGHT}/throughput", as_="paula")
    assert caseworker.status_code == 403
    assert (await api.get(f"{INSIGHT}/throughput", as_="pia")).status_code == 200


async def test_csv_bad_filters_and_overrides(api: Api, system: EmbeddedSystem) -> None:
    await _work_two_cases(api)
    seen = await _projection_settled(api)
    payroll = next(r for r in seen["automation"]["rows"] if r["subcase_type"].startswith("payroll"))

    as_csv = await api.get(f"{INSIGHT}/automation", as_="ada", params={"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["subcase_type"] for r in rows} >= {payroll["subcase_type"]}
    by_accept = await api.get(f"{INSIGHT}/throughput", as_="ada", headers={"Accept": "text/csv"})
    assert by_accept.text.splitlines()[0] == "week,week_start,cases_completed,subcases_resolved"

    for params in (
        {"from": "2026-05-02", "to": "2026-05-01"},
        {"from": "2026-13-01"},
        {"unit": "NOT A UNIT"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"format": "xml"},
    ):
        bad = await api.get(f"{INSIGHT}/sla-compliance", as_="ada", params=params)
        assert bad.status_code == 422, params
        assert bad.headers["content-type"].startswith("application/problem+json")

    path = f"{INSIGHT}/automation/overrides/{payroll['subcase_type']}"
    assert (await put(api, path, as_="lene", json={"minutes": 30})).status_code == 403
    assert (await put(api, path, as_="ada", json={"minutes": -1})).status_code == 422
    changed = await put(api, path, as_="ada", json={"minutes": 30})
    assert changed.status_code == 200, changed.text
    report = await _dataset(api, "automation")
    row = next(r for r in report["rows"] if r["subcase_type"] == payroll["subcase_type"])
    assert row["override_minutes"] == 30 and row["minutes_used"] == 30
    assert (await delete(api, path, as_="ada")).status_code == 204
    assert (await delete(api, path, as_="ada")).status_code == 404


async def _staged(system: EmbeddedSystem, event_type: str) -> list[Any]:
    """Routing's outbox rows of ``event_type``, oldest first, as envelopes."""
    async with system.routing.app.state.sessions() as session:
        rows = await session.execute(
            select(outbox.c.payload)
            .where(outbox.c.subject == event_type)
            .order_by(outbox.c.created_at)
        )
        return [decode(payload) for (payload,) in rows]


async def test_handling_time_runs_from_the_last_claim_and_a_repeated_claim_publishes_once(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await wait_until_routed(api, (await submit_hiring(api))["id"])
    item = next(s for s in case["subcases"] if s["unit"] == "hr")["id"]
    worker = UNIT_WORKERS["hr"]
    for action in ("claim", "claim", "unassign", "claim"):
        done = await api.post(f"/api/v1/work-items/{item}/{action}", as_=worker)
        assert done.status_code == 200, done.text
    resolved = await api.post(
        f"/api/v1/work-items/{item}/resolve", as_=worker, json={"resolution": "Klaret"}
    )
    assert resolved.status_code == 200, resolved.text

    claims = await _staged(system, SubcaseClaimed.TYPE)
    assert [c.data.subcase_id for c in claims] == [item, item]  # the repeat published nothing
    assert [r.data.subcase_id for r in await _staged(system, SubcaseReleased.TYPE)] == [item]
    assert {c.data.by_robot for c in claims} == {False}

    async def measured() -> SubcaseFact | None:
        async with system.insight.app.state.sessions() as session:
            fact = await session.get(SubcaseFact, item)
        return fact if fact is not None and fact.outcome == "resolved" else None

    fact = await wait_for(measured, what="the resolution in the projection")
    assert fact.handled_from_claim
    assert fact.claimed_at is not None and fact.closed_at is not None
    assert as_utc(fact.claimed_at) == claims[-1].time  # the last claim, after the release
    from_claim = (as_utc(fact.closed_at) - as_utc(fact.claimed_at)).total_seconds()
    assert fact.handling_seconds == pytest.approx(from_claim)
    assert fact.entered_queue_at is not None
    assert as_utc(fact.entered_queue_at) < claims[0].time

    report = await _dataset(api, "automation")
    row = next(r for r in report["rows"] if r["subcase_type"] == fact.subcase_type)
    assert row["measured_from_queue"] == 0
    assert row["median_handling_minutes"] == round(from_claim / 60, 1)
