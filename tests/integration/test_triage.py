"""Free-text triage in routing: suggestions for what a reporter wrote, general requests
routed by the active model (or to triage when it is not confident), a caseworker's
transfer kept as a training example, and new model versions under four eyes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_platform import db
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.models import TriageModelVersion
from tests.support import Api, page_client, wait_for
from tests.workspace import Lifecycle, act, wait_for_item

pytestmark = pytest.mark.integration

SUGGESTIONS = "/api/v1/triage/suggestions"
MODELS = "/api/v1/triage/models"
PAGE = "/admin/routing/triage"


@pytest.fixture
def lifecycle(system_config: SystemConfig) -> Lifecycle:
    return Lifecycle(system_config.nats_url)


def next_first_of_april(today: date) -> date:
    this_year = date(today.year, 4, 1)
    return this_year if this_year > today else date(today.year + 1, 4, 1)


async def general_request(lifecycle: Lifecycle, description: str) -> str:
    return await lifecycle.open(
        subcase_type="general.request",
        title="Generel henvendelse",
        fields={"description": description, "department": "Skoleafdelingen"},
    )


async def routed(api: Api, item_id: str, as_: str) -> dict[str, Any]:
    return await wait_for_item(api, item_id, lambda i: True, as_=as_, what="the item routed")


async def test_suggestions_name_the_life_event_with_the_fields_the_text_gives(api: Api) -> None:
    answer = await api.post(
        SUGGESTIONS, as_="rita", json={"text": "hun skal på barsel fra 1. april", "language": "da"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["model_version"] == 1
    assert body["threshold"] == 0.5
    best = body["life_events"][0]
    assert best["key"] == "parental_leave"
    assert best["words"], "the words that weighed most explain the suggestion"
    start = next_first_of_april(today_in_denmark()).isoformat()
    assert best["fields"]["leave_periods.0.start"] == start
    assert len(body["life_events"]) <= 3
    assert body["confident"] is (best["probability"] >= body["threshold"])
    assert set(body["unit"]) == {"queue", "probability", "confident", "words"}

    for text in ("", "   ", "x" * 2001):
        refused = await api.post(
            SUGGESTIONS, as_="rita", json={"text": text}, headers={"Accept-Language": "en"}
        )
        assert refused.status_code == 422, text
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await api.post(SUGGESTIONS, as_=None, json={"text": "barsel"})).status_code == 401


async def test_general_requests_go_where_the_model_is_sure_and_transfers_teach_it(
    api: Api, lifecycle: Lifecycle
) -> None:
    outlook = await general_request(lifecycle, "kan ikke logge på outlook, skærmen er sort")
    nonsense = await general_request(lifecycle, "xqzzy blorp")

    it = await routed(api, outlook, "ivan")
    assert (it["queue"], it["routing"]["rule"]) == ("it", "triage-model-v1")
    unsure = await routed(api, nonsense, "sofie")
    assert (unsure["queue"], unsure["routing"]["rule"]) == ("triage", "fallback")

    moved = await act(
        api, nonsense, "transfer", as_="sofie", queue="facilities", reason="Det er lokaler"
    )
    assert moved.status_code == 200, moved.text
    examples = await api.get("/api/v1/triage/examples", as_="ada", params={"source": "transfer"})
    assert examples.status_code == 200, examples.text
    assert [(e["text"], e["label"], e["kind"]) for e in examples.json()] == [
        ("xqzzy blorp", "facilities", "unit")
    ]
    assert (await api.get("/api/v1/triage/examples", as_="sofie")).status_code == 403

    # A request its unit resolves where the model sent it confirms the model: an example too.
    resolved = await act(api, outlook, "resolve", as_="ivan", resolution="Adgangskode nulstillet")
    assert resolved.status_code == 200, resolved.text
    confirmed = await api.get("/api/v1/triage/examples", as_="ada", params={"source": "free_text"})
    assert [(e["text"], e["label"]) for e in confirmed.json()] == [
        ("kan ikke logge på outlook, skærmen er sort", "it")
    ]

    # A move back to the fallback queue says only "not here": it teaches nothing.
    printer = await general_request(lifecycle, "printeren kan ikke logge på netværket")
    assert (await routed(api, printer, "ivan"))["queue"] == "it"
    back = await act(api, printer, "transfer", as_="ivan", queue="triage", reason="Forkert")
    assert back.status_code == 200, back.text
    assert len((await api.get("/api/v1/triage/examples", as_="ada")).json()) == 2


async def test_a_new_version_is_activated_by_someone_other_than_who_trained_it(
    api: Api, lifecycle: Lifecycle
) -> None:
    # A payroll task resolved in its queue: the history teaches its title to the next version.
    task = await lifecycle.open(subcase_type="payroll.setup", title="Lønoprettelse")
    await routed(api, task, "paula")
    done = await act(api, task, "resolve", as_="paula", resolution="Oprettet")
    assert done.status_code == 200, done.text

    listed = (await api.get(MODELS, as_="ada")).json()
    assert [(v["version"], v["status"], v["trained_by"]) for v in listed] == [
        (1, "active", "system")
    ]
    evaluation = listed[0]["evaluation"]["life_events"]
    assert {"accuracy", "top3", "below_threshold", "per_class", "confusion"} <= set(evaluation)

    assert (await api.post(MODELS, as_="paula")).status_code == 403
    assert (await api.get(MODELS, as_="paula")).status_code == 403
    trained = await api.post(MODELS, as_="ada", json={"note": "efter flytninger"})
    assert trained.status_code == 201, trained.text
    draft = trained.json()
    assert (draft["version"], draft["status"], draft["trained_by"]) == (2, "draft", "ada")
    assert draft["trained_on"]["routed"] == 1, draft["trained_on"]

    own = await api.post(f"{MODELS}/2/activate", as_="ada", headers={"Accept-Language": "en"})
    assert own.status_code == 403
    assert own.headers["content-type"] == "application/problem+json"
    assert "four eyes" in own.json()["detail"]
    danish = await api.post(f"{MODELS}/2/activate", as_="ada")
    assert "fire øjne" in danish.json()["detail"]
    assert (await api.post(f"{MODELS}/2/activate", as_="paula")).status_code == 403

    approved = await api.post(f"{MODELS}/2/activate", as_="pia")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["activated_by"]) == ("active", "pia")
    again = await api.post(f"{MODELS}/1/activate", as_="pia")
    assert again.status_code == 409
    statuses = [(v["version"], v["status"]) for v in (await api.get(MODELS, as_="ada")).json()]
    assert statuses == [(2, "active"), (1, "retired")]
    answer = await api.post(SUGGESTIONS, as_="rita", json={"text": "ny medarbejder på mandag"})
    assert answer.json()["model_version"] == 2

    async def logged() -> list[tuple[str, str, str]] | None:
        lines: list[dict[str, Any]] = (
            await api.get("/api/v1/access-log", as_="ada", params={"resource": "triage_model"})
        ).json()
        found = sorted(
            (r["actor"], r["action"], r["resource_id"])
            for r in lines
            if r["resource"] == "triage_model"
        )
        return found if len(found) >= 4 else None

    assert await wait_for(logged, what="the model changes in the access log") == [
        ("ada", "triage_model.trained", "2"),
        ("pia", "triage_model.activated", "2"),
        ("system", "triage_model.activated", "1"),
        ("system", "triage_model.trained", "1"),
    ]


async def test_the_admin_page_trains_and_only_someone_else_activates(
    api: Api, system: EmbeddedSystem
) -> None:
    async with page_client(system.app, "/admin/routing", "ada") as ada:
        page = await ada.get(PAGE)
        assert page.status_code == 200
        assert "Træn ny version" in page.text and "Version 1" in page.text
        trained = await ada.post(f"{PAGE}/train")
        assert (trained.status_code, trained.headers["location"]) == (
            303,
            f"{PAGE}?done=trained&version=2",
        )
        own = (await ada.get(f"{PAGE}?done=trained&version=2")).text
        assert "fire øjne" in own and 'id="activate-2"' not in own
        refused = await ada.post(f"{PAGE}/2/activate")
        assert refused.status_code == 403 and "fire øjne" in refused.text
    async with page_client(system.app, "/admin/routing", "pia") as pia:
        seen = (await pia.get(PAGE)).text
        assert 'id="activate-2"' in seen and 'id="train"' not in seen
        assert (await pia.post(f"{PAGE}/train")).status_code == 403
        activated = await pia.post(f"{PAGE}/2/activate")
        assert activated.status_code == 303, activated.text
    async with page_client(system.app, "/admin/routing", "paula") as paula:
        assert (await paula.get(PAGE)).status_code == 403
    statuses = [(v["version"], v["status"]) for v in (await api.get(MODELS, as_="ada")).json()]
    assert statuses == [(2, "active"), (1, "retired")]


async def test_a_model_that_cannot_be_loaded_leaves_routing_working(
    api: Api, lifecycle: Lifecycle, system_config: SystemConfig
) -> None:
    """A stored version that no longer loads (pickled by another scikit-learn, a damaged
    row): suggestions are unavailable (503, the portal says so), general requests go to
    triage, and everything else routes as before."""
    engine = db.create_engine(system_config.database_urls["routing"])
    try:
        async with db.session_factory(engine)() as session, session.begin():
            await session.execute(
                update(TriageModelVersion)
                .where(TriageModelVersion.status == "active")
                .values(model=b"lifecase-triage-model/1\nnot a pickle", fingerprint="damaged")
            )
    finally:
        await engine.dispose()

    answer = await api.post(SUGGESTIONS, as_="rita", json={"text": "ny medarbejder på mandag"})
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    outlook = await general_request(lifecycle, "kan ikke logge på outlook, skærmen er sort")
    item = await routed(api, outlook, "sofie")
    assert (item["queue"], item["routing"]["rule"]) == ("triage", "fallback")
    task = await lifecycle.open(subcase_type="payroll.setup", title="Lønoprettelse")
    assert (await routed(api, task, "paula"))["queue"] == "payroll"
