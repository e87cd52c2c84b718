"""Templates are published with four eyes: an admin drafts and submits with a note, a
process owner who did not write the version reads what it changes and publishes it or sends
it back; every step is in the version's history, which auditors read. A release's changed
catalogue template arrives as a draft, never over the municipality's own version."""

from __future__ import annotations

from typing import Any

import pytest

from lifecase_embedded.system import EmbeddedSystem
from lifecase_lifecycle import service
from lifecase_lifecycle.templates import CATALOGUE_DIR, load_template, parse_template, to_yaml
from tests.integration.test_engine import ONBOARDING
from tests.support import Api, publish_template

pytestmark = pytest.mark.integration

YAML = {"Content-Type": "application/yaml"}
WITH_IT = ONBOARDING + (
    "  - key: it_account\n"
    "    subcase_type: it.account\n"
    "    title: {da: It-konto, en: IT account}\n"
    "    when: name != 'test'\n"
)


async def draft(api: Api, text: str, *, as_: str = "ada") -> str:
    created = await api.post("/api/v1/templates", as_=as_, content=text.encode(), headers=YAML)
    assert created.status_code == 201, created.text
    return f"/api/v1/templates/onboarding/versions/{created.json()['version']}"


async def status(api: Api, path: str) -> str:
    return str((await api.get(path, as_="alma")).json()["status"])


async def test_a_draft_is_published_by_a_second_person_after_review(api: Api) -> None:
    await publish_template(api, ONBOARDING)
    path = await draft(api, WITH_IT)

    # What the approver will read: the new activity, with its condition.
    changes = (await api.get(f"{path}/changes", as_="pia")).json()
    assert changes["against"] == 1
    assert [(c["section"], c["key"], c["kind"]) for c in changes["changes"]] == [
        ("activities", "it_account", "added")
    ]
    parts = {p["name"]: p["after"] for p in changes["changes"][0]["parts"]}
    assert parts["when"] == "name != 'test'"

    # The drafter cannot publish; a draft cannot be published unsubmitted.
    assert (await api.post(f"{path}/publish", as_="ada")).status_code == 403
    assert (await api.post(f"{path}/publish", as_="pia")).status_code == 409

    empty = await api.post(f"{path}/submit", as_="ada", json={"note": ""})
    assert empty.status_code == 422
    submitted = await api.post(f"{path}/submit", as_="ada", json={"note": "Ny it-konto"})
    assert submitted.json()["status"] == "in_review"
    # Under review, the version is frozen.
    frozen = await api.client.put(
        path, content=ONBOARDING.encode(), headers={**api.headers("ada"), **YAML}
    )
    assert frozen.status_code == 409

    back = await api.post(f"{path}/send-back", as_="pia", json={"note": "Mangler forfald"})
    assert back.json()["status"] == "draft"
    await api.post(f"{path}/submit", as_="ada", json={"note": "Nu med forfald"})
    published = await api.post(f"{path}/publish", as_="pia", json={"note": "Godkendt"})
    assert published.status_code == 200, published.text
    assert await status(api, "/api/v1/templates/onboarding/versions/1") == "retired"

    history: list[dict[str, Any]] = (await api.get(f"{path}/history", as_="alma")).json()
    assert [(h["action"], h["actor"], h["note"]) for h in history] == [
        ("created", "ada", ""),
        ("submitted", "ada", "Ny it-konto"),
        ("sent_back", "pia", "Mangler forfald"),
        ("submitted", "ada", "Nu med forfald"),
        ("published", "pia", "Godkendt"),
    ]
    # The auditor reads, and does nothing else.
    assert (await api.post(f"{path}/submit", as_="alma", json={"note": "x"})).status_code == 403


async def test_no_one_approves_what_they_wrote(api: Api) -> None:
    path = await draft(api, ONBOARDING, as_="pia")
    await api.post(f"{path}/submit", as_="pia", json={"note": "Min egen"})
    refused = await api.post(f"{path}/publish", as_="pia")
    assert refused.status_code == 403
    assert "en anden procesejer skal godkende" in refused.json()["detail"]
    assert await status(api, path) == "in_review"

    # ... nor what they changed after someone else drafted it.
    other = await draft(api, ONBOARDING)
    changed = ONBOARDING.replace("{da: Løn, en: Payroll}", "{da: Lønning, en: Payroll}")
    edited = await api.client.put(
        other, content=changed.encode(), headers={**api.headers("pia"), **YAML}
    )
    assert edited.status_code == 200
    await api.post(f"{other}/submit", as_="ada", json={"note": "Rettet"})
    assert (await api.post(f"{other}/publish", as_="pia")).status_code == 403


async def test_a_life_event_with_named_process_owners_is_approved_only_by_them(
    api: Api,
) -> None:
    owners = "/api/v1/templates/onboarding/owners"
    assert (await api.get(owners, as_="alma")).json() == {"key": "onboarding", "owners": []}
    refused = await api.client.put(
        owners, headers=api.headers("pia"), json={"key": "onboarding", "owners": ["pia"]}
    )
    assert refused.status_code == 403  # naming owners is the administrators'
    named = await api.client.put(
        owners, headers=api.headers("ada"), json={"key": "onboarding", "owners": ["per"]}
    )
    assert named.json()["owners"] == ["per"]

    path = await draft(api, ONBOARDING)
    await api.post(f"{path}/submit", as_="ada", json={"note": "Første version"})
    not_hers = await api.post(f"{path}/publish", as_="pia")
    assert not_hers.status_code == 403
    assert "per" in not_hers.json()["detail"]
    assert (await api.post(f"{path}/send-back", as_="pia", json={"note": "x"})).status_code == 403
    assert (await api.post(f"{path}/publish", as_="per")).status_code == 200

    # With no one named, every process owner approves again.
    await api.client.put(
        owners, headers=api.headers("ada"), json={"key": "onboarding", "owners": []}
    )
    second = await draft(api, ONBOARDING.replace("Kontrakt", "Ansættelseskontrakt"))
    await api.post(f"{second}/submit", as_="ada", json={"note": "Ny titel"})
    assert (await api.post(f"{second}/publish", as_="pia")).status_code == 200


async def test_a_changed_catalogue_template_arrives_as_a_draft(
    api: Api, system: EmbeddedSystem
) -> None:
    shipped = load_template(CATALOGUE_DIR / "hiring.yaml")
    ours = to_yaml(shipped).replace("Velkomstpakke", "Velkomstgave")
    assert await publish_template(api, ours) == 2
    # A restart brings the catalogue in again: the municipality's version stays published.
    assert await system.lifecycle.seed() == []

    release = parse_template(to_yaml(shipped).replace("Adgangskort", "Adgangskort og nøgle"))
    sessions = system.lifecycle.app.state.sessions
    async with sessions() as session, session.begin():
        arrived = await service.seed_template(
            session=session, outbox=system.lifecycle.outbox, template=release
        )
    assert arrived is not None and arrived.status == "draft"
    versions = (await api.get("/api/v1/templates/hiring/versions", as_="alma")).json()
    assert [(v["version"], v["status"]) for v in versions] == [
        (1, "retired"),
        (2, "published"),
        (3, "draft"),
    ]
