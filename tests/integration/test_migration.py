"""Moving running cases to a new template version: the dry run says per case what would
change from where its workflow stands (added, cancelled, kept because done, re-dated) or why
it cannot move; the move re-plans the case's workflow on the new version, and the reporter's
timeline says what changed. Cases not chosen stay on their version."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import (
    Api,
    days_ahead,
    publish_template,
    resolve,
    statuses,
    subcases,
    submit,
    wait_for,
    wait_for_case,
)

pytestmark = pytest.mark.integration

V1 = """\
key: office_move
title: {da: Kontorflytning, en: Office move}
description: {da: Test, en: Test}
fields:
  - {key: name, type: text, label: {da: Navn, en: Name}}
  - {key: move_date, type: date, label: {da: Flyttedag, en: Moving day}}
activities:
  - key: contract
    subcase_type: hr.employment_contract
    title: {da: Kontrakt, en: Contract}
    unit_hint: hr
    due: {working_days: 5}
  - key: payroll
    subcase_type: payroll.setup
    title: {da: Løn, en: Payroll}
    unit_hint: payroll
    trigger: {after: [contract]}
  - key: keys
    subcase_type: facilities.access_card
    title: {da: Nøgler, en: Keys}
    unit_hint: facilities
"""
# Version 2: the contract is due three working days before the move, the keys are gone and
# IT equipment is new.
V2 = (
    V1.replace("    due: {working_days: 5}", "    due: {working_days: -3, from: move_date}").split(
        "  - key: keys"
    )[0]
    + """\
  - key: equipment
    subcase_type: it.equipment
    title: {da: It-udstyr, en: IT equipment}
    unit_hint: it
"""
)


async def running(api: Api) -> dict[str, Any]:
    case = await submit(api, "office_move", {"name": "Ib", "move_date": days_ahead(40)})
    return await wait_for_case(
        api,
        case["id"],
        lambda c: statuses(c).get("contract") == "routed" and statuses(c).get("keys") == "routed",
        what="the case's first sub-cases to be routed",
    )


def summary(move: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["kind"], c["activity"]) for c in move["changes"]}


async def test_a_running_case_moves_after_a_dry_run_and_the_others_stay(api: Api) -> None:
    await publish_template(api, V1)
    await wait_for(lambda: _listed(api), what="the life event to be offered")
    done_keys = await running(api)
    await resolve(api, subcases(done_keys)["keys"])
    await wait_for_case(
        api,
        done_keys["id"],
        lambda c: statuses(c)["keys"] == "resolved",
        what="the keys to be handed out",
    )
    open_keys = await running(api)
    assert await publish_template(api, V2) == 2
    path = "/api/v1/templates/office_move/versions/2/migration"

    dry = await api.post(f"{path}/dry-run", as_="ada", json={"case_ids": None})
    assert dry.status_code == 200, dry.text
    moves = {m["case_id"]: m for m in dry.json()}
    assert set(moves) == {done_keys["id"], open_keys["id"]}
    assert summary(moves[done_keys["id"]]) == {
        ("added", "equipment"),
        ("kept", "keys"),
        ("redated", "contract"),
    }
    assert summary(moves[open_keys["id"]]) == {
        ("added", "equipment"),
        ("cancelled", "keys"),
        ("redated", "contract"),
    }
    redated = next(c for c in moves[open_keys["id"]]["changes"] if c["kind"] == "redated")
    assert redated["after"] < days_ahead(40)  # three working days before the move
    # A dry run changes nothing.
    assert (await api.get(f"/api/v1/cases/{open_keys['id']}", as_="rita")).json()[
        "template_version"
    ] == 1

    moved = await api.post(path, as_="pia", json={"case_ids": [open_keys["id"]]})
    assert moved.status_code == 200, moved.text
    assert [m["movable"] for m in moved.json()] == [True]

    case = await wait_for_case(
        api,
        open_keys["id"],
        lambda c: statuses(c).get("equipment") == "routed" and statuses(c)["keys"] == "cancelled",
        what="the new version's IT equipment to be routed and the keys cancelled",
    )
    assert case["template_version"] == 2
    assert subcases(case)["contract"]["due_date"] == redated["after"]
    [entry] = [t for t in case["timeline"] if t["kind"] == "case_migrated"]
    assert entry["text"]["da"].startswith("Sagen følger nu version 2 af forløbet.")
    assert "Tilføjet: »It-udstyr«" in entry["text"]["da"]
    assert "Annulleret: »Nøgler«" in entry["text"]["da"]
    keys = next(
        t
        for t in case["timeline"]
        if "Nøgler" in t["text"]["da"] and "annulleret" in t["text"]["da"]
    )
    assert "den nye version af forløbet har den ikke" in keys["text"]["da"]

    # The case not chosen stays where it was; moving it again is refused with the reason.
    stays = (await api.get(f"/api/v1/cases/{done_keys['id']}", as_="rita")).json()
    assert stays["template_version"] == 1 and "equipment" not in statuses(stays)
    again = await api.post(path, as_="ada", json={"case_ids": [open_keys["id"]]})
    assert again.json()[0]["movable"] is False
    assert "allerede" in again.json()[0]["problem"]["da"]


async def test_only_the_published_version_takes_cases(api: Api) -> None:
    await publish_template(api, V1)
    draft = await api.post(
        "/api/v1/templates",
        as_="ada",
        content=V2.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    version = draft.json()["version"]
    refused = await api.post(
        f"/api/v1/templates/office_move/versions/{version}/migration/dry-run",
        as_="ada",
        json={"case_ids": None},
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    reporter = await api.post(
        f"/api/v1/templates/office_move/versions/{version}/migration",
        as_="rita",
        json={"case_ids": ["x"]},
    )
    assert reporter.status_code == 403


async def _listed(api: Api) -> bool:
    types = (await api.get("/api/v1/event-types", as_="rita")).json()
    return any(t["key"] == "office_move" for t in types)
