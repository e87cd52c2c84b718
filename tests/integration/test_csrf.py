"""Every state-changing page of the portal and the workspace refuses a post that does not
carry the browser's CSRF token, before it looks at anything else; nothing changes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from lifecase_embedded.system import EmbeddedSystem
from lifecase_intake.portal import PREFIX as PORTAL
from lifecase_routing.workspace_ui import PREFIX as WORKSPACE
from tests.support import CSRF_COOKIE, Api, page_client
from tests.workspace import routed_hiring, subcase_in

pytestmark = pytest.mark.integration


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every API route under ``routes``, included routers walked, with its full path."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif (context := getattr(route, "include_context", None)) is not None:
            found += _routes(context.included_router.routes, prefix + context.prefix)
    return found


def _posts(app: FastAPI, prefix: str, values: dict[str, str]) -> list[str]:
    return [
        prefix + re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)
        for path, route in _routes(app.routes)
        if "POST" in (route.methods or set())
    ]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the check runs before any DB
async def test_every_page_post_without_the_token_is_refused_and_changes_nothing(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")
    values = {
        "item_id": payroll["id"],
        "case_id": case["id"],
        "action": "resolve",
        "queue": "payroll",
        "event_type": "hiring",
    }
    pages = {
        PORTAL: (system.intake.portal, "rita"),
        WORKSPACE: (system.routing.workspace, "paula"),
    }
    checked = 0
    for prefix, (app, user) in pages.items():
        paths = _posts(app, prefix, values)
        assert f"{prefix}/sign-in" in paths and f"{prefix}/sign-out" in paths
        async with page_client(system.app, prefix, user) as browser:
            token = browser.cookies.get(CSRF_COOKIE)
            assert token
            for path in paths:
                for headers in ({"X-CSRF-Token": "forged"}, {"X-CSRF-Token": ""}):
                    refused = await browser.post(path, data={"text": "x"}, headers=headers)
                    assert refused.status_code == 403, (path, refused.text[:200])
                    checked += 1
    assert checked >= 2 * 20

    item = (await api.get(f"/api/v1/work-items/{payroll['id']}", as_="paula")).json()
    assert (item["status"], item["assignee"], item["notes"], item["messages"]) == (
        "queued",
        None,
        [],
        [],
    )
    after = (await api.get(f"/api/v1/cases/{case['id']}", as_="rita")).json()
    assert (after["status"], after["messages"]) == (case["status"], [])
