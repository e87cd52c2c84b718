"""Admins manage template versions through the API; invalid templates are refused with the
problem and its line; a published version is immutable."""

from __future__ import annotations

import pytest

from tests.integration.test_engine import ONBOARDING
from tests.support import Api, publish_template, wait_for

pytestmark = pytest.mark.integration

YAML = {"Content-Type": "application/yaml"}


@pytest.mark.parametrize(
    ("broken", "line", "message"),
    [
        (
            ONBOARDING.replace(
                "    trigger: {after: [employment_contract]}",
                "    trigger: {after: [employment_contract]}\n    carries: [shoe_size]",
            ),
            14,
            "unknown field 'shoe_size'",
        ),
        (
            ONBOARDING.replace(
                "    title: {da: Kontrakt, en: Contract}",
                "    title: {da: Kontrakt, en: Contract}\n    trigger: {after: [payroll_setup]}",
            ),
            10,
            "cycle:",
        ),
        (ONBOARDING + "    when: 'name &&& x'\n", 14, "bad expression"),
    ],
)
async def test_an_invalid_template_is_refused_with_the_problem_and_its_line(
    api: Api, broken: str, line: int, message: str
) -> None:
    for path in ("/api/v1/templates/validate", "/api/v1/templates"):
        response = await api.post(path, as_="ada", content=broken.encode(), headers=YAML)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        errors = response.json()["errors"]
        assert any(e["line"] == line and message in e["msg"] for e in errors), errors
    versions = (await api.get("/api/v1/templates/onboarding/versions", as_="ada")).json()
    assert versions == []


async def test_a_published_version_is_immutable_and_drafts_are_not(api: Api) -> None:
    draft = (
        await api.post("/api/v1/templates", as_="ada", content=ONBOARDING.encode(), headers=YAML)
    ).json()
    assert draft["status"] == "draft"
    path = f"/api/v1/templates/onboarding/versions/{draft['version']}"
    changed = ONBOARDING.replace("{da: Løn, en: Payroll}", "{da: Lønning, en: Payroll}")
    edited = await api.client.put(
        path, content=changed.encode(), headers={**api.headers("ada"), **YAML}
    )
    assert edited.status_code == 200
    assert edited.json()["definition"]["activities"][1]["title"]["da"] == "Lønning"
    assert (await api.post(f"{path}/submit", as_="ada", json={"note": "Ny"})).status_code == 200
    assert (await api.post(f"{path}/publish", as_="pia")).status_code == 200
    again = await api.client.put(
        path, content=ONBOARDING.encode(), headers={**api.headers("ada"), **YAML}
    )
    assert again.status_code == 409


async def test_only_admins_manage_templates(api: Api) -> None:
    for user in ("rita", "paula"):
        assert (await api.get("/api/v1/templates", as_=user)).status_code == 403
        response = await api.post(
            "/api/v1/templates", as_=user, content=ONBOARDING.encode(), headers=YAML
        )
        assert response.status_code == 403


async def test_retiring_a_version_stops_new_cases_on_it(api: Api) -> None:
    version = await publish_template(api, ONBOARDING)

    async def listed() -> bool:
        types = (await api.get("/api/v1/event-types", as_="rita")).json()
        return any(t["key"] == "onboarding" for t in types)

    await wait_for(listed, what="onboarding listed")
    retired = await api.post(f"/api/v1/templates/onboarding/versions/{version}/retire", as_="ada")
    assert retired.json()["status"] == "retired"

    async def gone() -> bool:
        return not await listed()

    await wait_for(gone, what="onboarding to disappear from what can be filed")
    response = await api.post(
        "/api/v1/cases", as_="rita", json={"event_type": "onboarding", "data": {"name": "X"}}
    )
    assert response.status_code == 404
