"""Short case numbers (``LC-2026-000123``): intake numbers every case it files, one after the
other within a year and never twice, also when cases are filed at the same time; lifecycle
hands the number on with each sub-case, so the caseworker's work item shows it too. Filing
the same life event again for an employee who has an open case warns, and files all the
same. Cases filed before numbers existed are numbered by the migration, oldest first."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from lifecase_intake.bootstrap import MIGRATIONS
from lifecase_platform.db import migrate
from lifecase_platform.workdays import today_in_denmark
from tests.support import Api, database_urls, submit_hiring, wait_until_routed

pytestmark = pytest.mark.integration

NUMBER = re.compile(r"^LC-(\d{4})-(\d{6})$")


async def test_concurrent_filings_get_consecutive_numbers_of_the_year(api: Api) -> None:
    cases = await asyncio.gather(*(submit_hiring(api, cpr=f"01019{n}1234") for n in range(6)))
    numbers = [case["case_number"] for case in cases]
    year = today_in_denmark().year
    assert sorted(numbers) == [f"LC-{year}-{n:06d}" for n in range(1, 7)]
    shown = (await api.get(f"/api/v1/cases/{cases[0]['id']}", as_="rita")).json()
    assert shown["case_number"] == cases[0]["case_number"]
    listed = (await api.get("/api/v1/cases", as_="rita")).json()["items"]
    assert {c["case_number"] for c in listed} == set(numbers)


async def test_the_work_items_of_a_case_carry_its_number(api: Api) -> None:
    case = await submit_hiring(api)
    assert NUMBER.match(case["case_number"])
    routed = await wait_until_routed(api, case["id"])
    for sub in routed["subcases"]:
        item = (await api.get(f"/api/v1/work-items/{sub['id']}", as_="ada")).json()
        assert item["case_number"] == case["case_number"]


async def test_an_open_case_for_the_same_employee_and_event_warns_but_files(api: Api) -> None:
    first = await submit_hiring(api, cpr="0101901234")
    assert first["warnings"] == []
    again = await submit_hiring(api, cpr="010190-1234", employee_name="Mette H.")
    assert again["case_number"] != first["case_number"]
    [warning] = again["warnings"]
    assert first["case_number"] in warning["da"] and first["case_number"] in warning["en"]
    assert "1234" not in warning["da"] + warning["en"]
    other = await submit_hiring(api, cpr="0202902345")
    assert other["warnings"] == []
    withdrawn = await api.post(
        f"/api/v1/cases/{first['id']}/withdraw", as_="rita", json={"reason": "Fejl"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    third = await submit_hiring(api, cpr="0101901234")
    assert [w["da"] for w in third["warnings"]] == [
        w["da"].replace(first["case_number"], again["case_number"]) for w in again["warnings"]
    ]
    ruths = await submit_hiring(api, as_="rolf", cpr="0101901234")
    assert ruths["warnings"] == []  # another reporter's cases are not compared


async def test_the_migration_numbers_earlier_cases_oldest_first_per_year(
    backend: str, tmp_path: Path
) -> None:
    async with database_urls(backend, tmp_path) as urls:
        url = urls["intake"]
        await asyncio.to_thread(migrate, url, MIGRATIONS, "0007")
        filed = {
            "c": datetime(2026, 1, 5, tzinfo=UTC),
            "a": datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 2026 in Denmark already
            "b": datetime(2025, 6, 1, tzinfo=UTC),
            "d": datetime(2026, 2, 1, tzinfo=UTC),
        }
        engine = create_async_engine(url)
        cases = sa.table(
            "cases",
            *(sa.column(c) for c in ("id", "reporter", "event_type", "template_version")),
            *(sa.column(c) for c in ("status", "revision")),
            sa.column("data", sa.JSON),
            sa.column("created_at", sa.DateTime(timezone=True)),
        )
        async with engine.begin() as connection:
            for name, at in filed.items():
                await connection.execute(
                    cases.insert().values(
                        id=name,
                        reporter="rita",
                        event_type="hiring",
                        template_version=1,
                        data={},
                        status="submitted",
                        revision=0,
                        created_at=at,
                    )
                )
        await asyncio.to_thread(migrate, url, MIGRATIONS)
        async with engine.connect() as connection:
            rows = await connection.execute(sa.text("SELECT id, case_number FROM cases"))
            numbers = dict(rows.tuples().all())
            counters = await connection.execute(
                sa.text("SELECT year, last_number FROM case_number_counters")
            )
            last = dict(counters.tuples().all())
        await engine.dispose()
        assert numbers == {
            "b": "LC-2025-000001",
            "a": "LC-2026-000001",
            "c": "LC-2026-000002",
            "d": "LC-2026-000003",
        }
        assert last == {2025: 1, 2026: 3}
