"""Sharing a template between municipalities: a version exported as a bundle from one
running system imports as a draft into a fresh one (with a report of what must be mapped
there), and once approved and published it expands a case exactly as it does at home. A
broken bundle is refused with its problems and lines, and nothing is written."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from tests import engines
from tests.integration.conftest import CATALOGUE
from tests.support import (
    POSTGRES_ADMIN_URL,
    Api,
    database_urls,
    days_ahead,
    publish_template,
    submit,
    wait_for,
    wait_for_case,
)

pytestmark = pytest.mark.integration

YAML = {"Content-Type": "application/yaml"}
SHARED = """\
key: staff_move
title: {da: Intern flytning, en: Internal move}
description: {da: En medarbejder skifter arbejdssted., en: An employee changes workplace.}
fields:
  - {key: name, type: text, label: {da: Navn, en: Name}}
  - {key: move_date, type: date, label: {da: Flyttedato, en: Moving day}}
  - {key: new_desk, type: boolean, label: {da: Ny arbejdsplads, en: New desk}}
activities:
  - key: contract_note
    subcase_type: hr.employment_contract
    title: {da: Tillæg til kontrakt, en: Contract addendum}
    carries: [name, move_date]
    unit_hint: hr
    due: {working_days: 5}
  - key: payroll_change
    subcase_type: payroll.setup
    title: {da: Lønændring, en: Payroll change}
    carries: [name, move_date]
    unit_hint: payroll
    trigger: {after: [contract_note]}
  - key: desk
    subcase_type: facilities.access_card
    title: {da: Adgangskort til nyt sted, en: Access card for the new place}
    carries: [name, move_date]
    unit_hint: facilities
    when: new_desk
    trigger: {date: {field: move_date, days: -7}}
    due: {working_days: -1, from: move_date}
"""


@asynccontextmanager
async def fresh_system(
    config: SystemConfig, tmp: Path, backend: str, admin_url: str | None
) -> AsyncIterator[Api]:
    """A second lifecase of its own (own NATS, own databases, own task queue) beside the
    test's, as another municipality's would be."""
    tmp.mkdir()
    async with (
        engines.nats(tmp / "nats") as nats_url,
        database_urls(backend, tmp, admin_url or POSTGRES_ADMIN_URL) as urls,
    ):
        other = EmbeddedSystem(
            dataclasses.replace(
                config,
                nats_url=nats_url,
                database_urls=urls,
                dev_token_secret=uuid.uuid4().hex,
                task_queue=f"lifecase-test-{uuid.uuid4().hex}",
            )
        )
        await other.start()
        try:
            transport = httpx.ASGITransport(app=other.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://other") as client:
                api = Api(client, other.token)

                async def ready() -> bool:
                    types = (await api.get("/api/v1/event-types", as_="rita")).json()
                    return {t["key"] for t in types} >= CATALOGUE

                await wait_for(ready, what="the fresh system to offer its catalogue")
                yield api
        finally:
            await other.stop()


async def expanded(api: Api, data: dict[str, Any]) -> list[tuple[Any, ...]]:
    case = await submit(api, "staff_move", data)
    done = await wait_for_case(
        api,
        case["id"],
        lambda c: len(c["subcases"]) == 3 and all(s["status"] != "open" for s in c["subcases"]),
        what="the case to expand and its open sub-cases to be routed",
    )
    return sorted(
        (s["activity"], s["status"], s["due_date"], s["opens_on"], tuple(s["waits_for"]))
        for s in done["subcases"]
    )


async def test_a_bundle_moves_a_template_to_a_fresh_system_that_expands_it_identically(
    api: Api,
    system_config: SystemConfig,
    tmp_path: Path,
    backend: str,
    postgres_admin: str | None,
) -> None:
    version = await publish_template(api, SHARED)
    exported = await api.get(f"/api/v1/templates/staff_move/versions/{version}/bundle", as_="alma")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/yaml")
    assert "lifecase-staff_move-v1.bundle.yaml" in exported.headers["content-disposition"]
    bundle = yaml.safe_load(exported.text)
    assert bundle["format"] == "lifecase-bundle/1"
    assert "Adgangskort til nyt sted (facilities.access_card)" in bundle["documentation"]["da"]
    # Example rules: where this system's active rules send each sub-case type.
    rules = {r["condition"]: r["queue"] for r in bundle["example_rules"]}
    assert rules['subcase_type == "payroll.setup"'] == "payroll"

    data = {"name": "Ib Holm", "move_date": days_ahead(30), "new_desk": True}
    at_home = await expanded(api, data)

    async with fresh_system(system_config, tmp_path / "other", backend, postgres_admin) as other:
        imported = await other.post(
            "/api/v1/templates/bundles", as_="ada", content=exported.content, headers=YAML
        )
        assert imported.status_code == 201, imported.text
        report = imported.json()
        assert report["draft"]["status"] == "draft"
        assert (
            report["draft"]["definition"]["activities"]
            == (
                (
                    await api.get(f"/api/v1/templates/staff_move/versions/{version}", as_="ada")
                ).json()
            )["definition"]["activities"]
        )
        # The demo organisation has every unit and queue and routes every type.
        assert report["routing_checked"] is True
        assert report["unknown_units"] == report["unknown_queues"] == []
        assert report["unrouted_types"] == []
        path = imported.headers["location"]
        history = (await other.get(f"{path}/history", as_="alma")).json()
        assert [h["action"] for h in history] == ["imported"]
        assert history[0]["actor"] == "ada"

        await other.post(f"{path}/submit", as_="ada", json={"note": "Fra nabokommunen"})
        assert (await other.post(f"{path}/publish", as_="pia")).status_code == 200

        async def offered() -> bool:
            types = (await other.get("/api/v1/event-types", as_="rita")).json()
            return any(t["key"] == "staff_move" for t in types)

        await wait_for(offered, what="the imported life event to be offered")
        assert await expanded(other, data) == at_home


async def test_an_import_reports_what_must_be_mapped_here(api: Api) -> None:
    foreign = SHARED.replace("unit_hint: facilities", "unit_hint: kantine").replace(
        "subcase_type: facilities.access_card", "subcase_type: canteen.keys"
    )
    bundle = {
        "format": "lifecase-bundle/1",
        "exported_at": "2026-12-01T10:00:00Z",
        "source_version": 4,
        "documentation": {"da": "Fra Nabokommune", "en": "From the neighbours"},
        "template": yaml.safe_load(foreign),
        "example_rules": [
            {"name": "keys", "condition": 'subcase_type == "canteen.keys"', "queue": "kitchen"}
        ],
    }
    imported = await api.post(
        "/api/v1/templates/bundles",
        as_="pia",
        content=yaml.safe_dump(bundle, allow_unicode=True).encode(),
        headers=YAML,
    )
    assert imported.status_code == 201, imported.text
    report = imported.json()
    assert report["unknown_units"] == ["kantine"]
    assert report["unknown_queues"] == ["kitchen"]
    assert report["unrouted_types"] == ["canteen.keys"]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("format: lifecase-bundle/1", "format: other/2"), 1, "not a lifecase bundle"),
        (("- key: payroll_change", "- key: Payroll Change"), None, "pattern"),
        (("source_version: 1", "source_version: many"), 3, "integer"),
    ],
)
async def test_a_broken_bundle_is_refused_with_its_problems_and_nothing_is_written(
    api: Api, change: tuple[str, str], line: int | None, message: str
) -> None:
    version = await publish_template(api, SHARED)
    text = (
        await api.get(f"/api/v1/templates/staff_move/versions/{version}/bundle", as_="ada")
    ).text
    assert change[0] in text
    refused = await api.post(
        "/api/v1/templates/bundles",
        as_="ada",
        content=text.replace(change[0], change[1], 1).encode(),
        headers=YAML,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert any(message in e["msg"] for e in errors), errors
    if line is not None:
        assert any(e["line"] == line for e in errors), errors
    else:
        assert all(e["line"] for e in errors), errors
    versions = (await api.get("/api/v1/templates/staff_move/versions", as_="ada")).json()
    assert [v["version"] for v in versions] == [version]
