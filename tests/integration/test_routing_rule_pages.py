"""The routing-rule pages of the admin area against the real system (SQLite and PostgreSQL),
over HTTP as a browser without JavaScript uses them: a version saved on a page waits to be
activated, a rejected one saves nothing, creating and activating leave the API's lines in
the access log, and only administrators change rules."""

from __future__ import annotations

from typing import Any

import pytest

from lifecase_embedded.system import EmbeddedSystem
from tests.support import Api, page_client, wait_for

pytestmark = pytest.mark.integration

RULES = "/admin/routing/rules"
IT_TO_FACILITIES = "\n".join(
    [
        'hr-by-type: subcase_type.startsWith("hr.") -> hr',
        'payroll-by-type: subcase_type.startsWith("payroll.") -> payroll',
        'it-by-type: subcase_type.startsWith("it.") -> facilities',
        'facilities-by-type: subcase_type.startsWith("facilities.") -> facilities',
    ]
)


async def versions(api: Api) -> list[tuple[int, bool]]:
    listed = (await api.get("/api/v1/routing/rule-sets", as_="ada")).json()
    return [(v["version"], v["active"]) for v in listed]


async def test_a_page_saves_a_waiting_version_that_is_activated_and_rolled_back(
    api: Api, system: EmbeddedSystem
) -> None:
    async with page_client(system.app, "/admin/routing", "ada") as ada:
        refused = await ada.post(
            f"{RULES}/new",
            data={"rules": "it: true -> nowhere", "fallback_queue": "triage", "action": "save"},
        )
        assert refused.status_code == 422
        assert 'data-line="1" data-part="queue"' in refused.text
        assert await versions(api) == [(1, True)], "a refused version saves nothing"

        form = {"rules": IT_TO_FACILITIES, "fallback_queue": "triage", "from": "1"}
        saved = await ada.post(f"{RULES}/new", data={**form, "action": "save"})
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"] == f"{RULES}/2?done=created"
        assert await versions(api) == [(2, False), (1, True)]

        activated = await ada.post(f"{RULES}/2/activate")
        assert (activated.status_code, activated.headers["location"]) == (
            303,
            f"{RULES}?done=activated",
        )
        active = (await api.get("/api/v1/routing/rule-sets/active", as_="ada")).json()
        assert (active["version"], active["rules"][2]["queue"]) == (2, "facilities")
        assert "Rul tilbage til version 1" in (await ada.get(RULES)).text

        rolled_back = await ada.post(f"{RULES}/1/activate")
        assert rolled_back.status_code == 303
        assert await versions(api) == [(2, False), (1, True)]
        assert "Rul tilbage til version 2" in (await ada.get(RULES)).text

    async def logged() -> list[tuple[str, str]] | None:
        lines: list[dict[str, Any]] = (
            await api.get("/api/v1/access-log", as_="ada", params={"actor": "ada"})
        ).json()
        found = sorted(
            (r["action"], r["resource_id"]) for r in lines if r["resource"] == "rule_set"
        )
        return found if len(found) >= 3 else None

    assert await wait_for(logged, what="the rule-set changes in the access log") == [
        ("rule_set.activated", "1"),
        ("rule_set.activated", "2"),
        ("rule_set.created", "2"),
    ]


async def test_a_process_owner_reads_the_rules_but_may_not_change_them(
    api: Api, system: EmbeddedSystem
) -> None:
    async with page_client(system.app, "/admin/routing", "pia") as pia:
        assert (await pia.get(RULES)).status_code == 200
        assert (await pia.get(f"{RULES}/1")).status_code == 200
        assert (await pia.get(f"{RULES}/new")).status_code == 403
        form = {"rules": IT_TO_FACILITIES, "fallback_queue": "triage", "action": "save"}
        assert (await pia.post(f"{RULES}/new", data=form)).status_code == 403
        assert (await pia.post(f"{RULES}/1/activate")).status_code == 403
    assert await versions(api) == [(1, True)]
