"""The insight dashboards over HTTP (SQLite and PostgreSQL): the overview and the automation
report render with data for the readers of the numbers, a unit lead's filter offers only her
units and another unit is a 403 page, a caseworker is refused, bad filters are pages, and
the CSV downloads are the API's rows."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from lifecase_embedded.system import EmbeddedSystem
from tests.support import (
    Api,
    page_client,
    resolve_as_unit_workers,
    submit_hiring,
    wait_for,
    wait_for_case,
    wait_until_routed,
)

pytestmark = pytest.mark.integration
OPTION = re.compile(r'<option value="([a-z][a-z0-9_-]*)"')


async def _one_completed_hiring(api: Api) -> None:
    case = await wait_until_routed(api, (await submit_hiring(api))["id"])
    await resolve_as_unit_workers(api, case)
    await wait_for_case(api, case["id"], lambda c: c["status"] == "completed", what="completion")

    async def projected() -> bool | None:
        response = await api.get("/api/v1/insight/throughput", as_="ada")
        rows = response.json()["rows"]
        return sum(r["cases_completed"] for r in rows) >= 1 or None

    await wait_for(projected, what="the projection to hold the completed case", timeout=60)


def _unit_options(page: httpx.Response) -> set[str]:
    select = page.text.split('name="unit"', 1)[1].split("</select>", 1)[0]
    return set(OPTION.findall(select))


async def test_the_readers_see_the_plots_and_the_report_with_data(
    api: Api, system: EmbeddedSystem
) -> None:
    await _one_completed_hiring(api)
    async with page_client(system.app, "/insight", "ada") as ada:
        overview = await ada.get("/insight/")
        assert overview.status_code == 200
        # Six plots, lead time twice; nobody waits for an answer, so that one has no chart.
        assert overview.text.count('role="img"') == 6
        waiting = overview.text.split('id="waiting"', 1)[1]
        assert "Ingen data for den valgte periode" in waiting
        assert "hiring" in overview.text
        assert {"hr", "payroll"} <= _unit_options(overview)
        report = await ada.get("/insight/automation", params={"lang": "en"})
        assert report.status_code == 200
        assert "Ranked candidates" in report.text
        assert 'role="img"' in report.text
        download = await ada.get("/insight/csv/throughput")
        assert download.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert sum(int(r["cases_completed"]) for r in rows) == 1
    async with page_client(system.app, "/insight", "pia") as pia:  # a process owner
        assert (await pia.get("/insight/")).status_code == 200


async def test_a_unit_lead_sees_her_units_only_and_caseworkers_are_refused(
    api: Api, system: EmbeddedSystem
) -> None:
    await _one_completed_hiring(api)
    async with page_client(system.app, "/insight", "lene") as lene:  # leads payroll
        overview = await lene.get("/insight/")
        assert overview.status_code == 200
        assert _unit_options(overview) == {"payroll"}
        own = await lene.get("/insight/", params={"unit": "payroll"})
        assert own.status_code == 200
        other = await lene.get("/insight/", params={"unit": "hr"})
        assert other.status_code == 403
        assert other.headers["content-type"].startswith("text/html")
        assert (
            await lene.get("/insight/csv/sla-compliance", params={"unit": "hr"})
        ).status_code == 403
        sla = await lene.get("/insight/csv/sla-compliance")
        assert {r["unit"] for r in csv.DictReader(io.StringIO(sla.text))} == {"payroll"}
    async with page_client(system.app, "/insight", "paula") as paula:
        refused = await paula.get("/insight/")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert (await paula.get("/insight/automation")).status_code == 403


async def test_bad_filters_are_pages_and_signing_in_is_asked_for(system: EmbeddedSystem) -> None:
    async with page_client(system.app, "/insight", "ada") as ada:
        for params in (
            {"from": "not-a-date"},
            {"unit": "Not A Key!"},
            {"from": "2026-03-01", "to": "2026-02-01"},
        ):
            response = await ada.get("/insight/", params=params)
            assert response.status_code in (400, 422), params
            assert response.headers["content-type"].startswith("text/html")
        assert (await ada.get("/insight/csv/nothing")).status_code == 404
        kept = await ada.get("/insight/", params={"from": "2026-01-01", "to": "2026-01-31"})
        assert 'value="2026-01-01"' in kept.text and 'value="2026-01-31"' in kept.text
    transport = httpx.ASGITransport(app=system.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://lifecase") as anonymous:
        response = await anonymous.get("/insight/")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/insight/sign-in")
