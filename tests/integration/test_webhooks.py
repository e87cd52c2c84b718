"""Signed webhooks: an administrator registers a subscriber (a local HTTP server here); it
gets each matching event signed per the Standard Webhooks specification, is retried with
backoff until it accepts, and the delivery log shows every attempt. A subscriber that
keeps failing is paused and the administrators are told. Only administrators change
subscriptions (auditors read), and bad input is a 422 problem."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook

from lifecase_embedded.system import EmbeddedSystem
from tests.support import Api, hiring_data, page_client, submit_hiring, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def fast_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries in tens of milliseconds, three attempts a delivery, a pause after two
    deliveries failed in a row."""
    for name, value in {
        "RETRY_BASE_SECONDS": "0.05",
        "RETRY_MAX_SECONDS": "0.2",
        "POLL_SECONDS": "0.05",
        "MAX_ATTEMPTS": "3",
        "PAUSE_AFTER_FAILURES": "2",
        "TIMEOUT_SECONDS": "5",
    }.items():
        monkeypatch.setenv(f"LIFECASE_WEBHOOK_{name}", value)


@dataclass
class Subscriber:
    """A webhook receiver on 127.0.0.1 that answers 500 to its first ``failures``
    requests, then 204; it keeps every request."""

    failures: int
    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self) -> list[tuple[dict[str, str], bytes]]:
        with self.lock:
            return list(self.requests)


def _serve(failures: int) -> Iterator[Subscriber]:
    subscriber = Subscriber(failures)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with subscriber.lock:
                subscriber.requests.append((dict(self.headers.items()), body))
                failing = len(subscriber.requests) <= subscriber.failures
            self.send_response(500 if failing else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test reads what arrived; stderr stays quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    subscriber.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield subscriber
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def flaky_subscriber() -> Iterator[Subscriber]:
    yield from _serve(failures=2)


@pytest.fixture
def broken_subscriber() -> Iterator[Subscriber]:
    yield from _serve(failures=1_000_000)


async def _subscribe(api: Api, url: str, event_types: list[str]) -> dict[str, Any]:
    response = await api.post(
        "/api/v1/webhooks",
        as_="ada",
        json={"url": url, "event_types": event_types, "description": "HR system"},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _deliveries(api: Api, subscription_id: str, as_: str = "ada") -> list[dict[str, Any]]:
    response = await api.get(f"/api/v1/webhooks/{subscription_id}/deliveries", as_=as_)
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_subscriber_gets_a_signed_delivery_after_two_failures_and_the_log_shows_it(
    api: Api, flaky_subscriber: Subscriber
) -> None:
    created = await _subscribe(api, flaky_subscriber.url, ["lifecase.case.submitted"])
    assert created["secret"].startswith("whsec_")
    assert "secret" not in (await api.get(f"/api/v1/webhooks/{created['id']}", as_="ada")).json()

    case = await submit_hiring(api)

    async def accepted() -> list[tuple[dict[str, str], bytes]] | None:
        got = flaky_subscriber.received()
        return got if len(got) >= 3 else None

    requests = await wait_for(accepted, what="the delivery to be accepted on its third attempt")
    assert len(requests) == 3
    assert len({headers["webhook-id"] for headers, _ in requests}) == 1, "one id for retries"
    headers, body = requests[-1]
    payload = Webhook(created["secret"]).verify(body, headers)
    assert payload["type"] == "lifecase.case.submitted"
    assert payload["data"] == {
        "case_id": case["id"],
        "event_type": "hiring",
        "template_version": payload["data"]["template_version"],
        "submitted_at": payload["data"]["submitted_at"],
    }
    assert set(payload) == {"type", "id", "time", "data"}
    texts = [v for v in hiring_data().values() if isinstance(v, str) and not v[:1].isdigit()]
    for personal in (*texts, "0101901234", "rita", "reporter"):
        assert personal.encode() not in body, f"{personal!r} reached the subscriber"
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 43).verify(body, headers)

    async def logged() -> dict[str, Any] | None:
        [delivery] = await _deliveries(api, created["id"])
        return delivery if delivery["status"] == "succeeded" else None

    delivery = await wait_for(logged, what="the delivery log to show the success")
    assert delivery["id"] == headers["webhook-id"]
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 204]
    assert [a["succeeded"] for a in delivery["attempt_log"]] == [False, False, True]
    assert await _deliveries(api, created["id"], as_="alma") == [delivery], "auditors read"

    replayed = await api.post(
        f"/api/v1/webhooks/{created['id']}/deliveries/{delivery['id']}/replay", as_="ada"
    )
    assert replayed.status_code == 202, replayed.text

    async def replay_logged() -> dict[str, Any] | None:
        [again] = await _deliveries(api, created["id"])
        return again if len(again["attempt_log"]) == 4 and again["status"] == "succeeded" else None

    again = await wait_for(replay_logged, what="the replay in the delivery log")
    assert again["attempt_log"][-1]["replay"] is True
    last_headers, last_body = flaky_subscriber.received()[-1]
    assert last_body == body and last_headers["webhook-id"] == headers["webhook-id"]
    Webhook(created["secret"]).verify(last_body, last_headers)


async def test_a_subscriber_that_keeps_failing_is_paused_and_the_administrator_told(
    api: Api, broken_subscriber: Subscriber
) -> None:
    created = await _subscribe(api, broken_subscriber.url, ["lifecase.subcase.*"])
    await submit_hiring(api)

    async def paused() -> dict[str, Any] | None:
        found = (await api.get(f"/api/v1/webhooks/{created['id']}", as_="ada")).json()
        return found if not found["active"] else None

    subscription = await wait_for(paused, what="the failing subscription to be paused")
    assert subscription["paused_reason"] == "failing"
    assert subscription["consecutive_failures"] >= 2

    async def told() -> list[dict[str, Any]] | None:
        notes = (await api.get("/api/v1/notifications", as_="ada")).json()
        return [n for n in notes if n["kind"] == "webhook_paused"] or None

    [note] = await wait_for(told, what="the administrator's notification")
    assert "127.0.0.1" in note["text"]
    failed = [d for d in await _deliveries(api, created["id"]) if d["status"] == "failed"]
    assert len(failed) >= 2
    assert all(len(d["attempt_log"]) == 3 for d in failed)

    sent = len(broken_subscriber.received())
    replay = await api.post(
        f"/api/v1/webhooks/{created['id']}/deliveries/{failed[0]['id']}/replay", as_="ada"
    )
    assert replay.status_code == 409, "a paused subscription is resumed before a replay"
    assert len(broken_subscriber.received()) == sent

    resumed = await api.client.patch(
        f"/api/v1/webhooks/{created['id']}", json={"active": True}, headers=api.headers("ada")
    )
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["active"] is True and resumed.json()["consecutive_failures"] == 0


async def test_only_administrators_change_webhooks_and_bad_input_is_a_problem(
    api: Api,
) -> None:
    url, event_types = "https://hr.example.dk/hooks", ["lifecase.case.*"]
    spec: dict[str, Any] = {"url": url, "event_types": event_types}
    for user in ("rita", "paula", "alma"):
        refused = await api.post("/api/v1/webhooks", as_=user, json=spec)
        assert refused.status_code == 403, (user, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await api.get("/api/v1/webhooks", as_="rita")).status_code == 403
    assert (await api.get("/api/v1/webhooks", as_="alma")).json() == []

    for bad in (
        {**spec, "url": "ftp://hr.example.dk/hooks"},
        {**spec, "url": "not a url"},
        {**spec, "url": "https://user:password@hr.example.dk/hooks"},
        {**spec, "event_types": ["lifecase.case.nonsense"]},
        {**spec, "event_types": ["lifecase.access.recorded"]},
        {**spec, "event_types": []},
        {**spec, "secret": "whsec_short"},
    ):
        response = await api.post("/api/v1/webhooks", as_="ada", json=bad)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.get("/api/v1/webhooks", as_="ada")).json() == [], "nothing half-written"

    created = await _subscribe(api, url, event_types)
    changed = await api.client.patch(
        f"/api/v1/webhooks/{created['id']}",
        json={"event_types": ["lifecase.nothing.*"]},
        headers=api.headers("ada"),
    )
    assert changed.status_code == 422
    deleted = await api.client.delete(
        f"/api/v1/webhooks/{created['id']}", headers=api.headers("ada")
    )
    assert deleted.status_code == 204
    gone = await api.get(f"/api/v1/webhooks/{created['id']}", as_="ada")
    assert gone.status_code == 404
    assert json.loads(gone.text)["status"] == 404


async def test_the_admin_pages_register_a_subscription_and_show_its_delivery_log(
    system: EmbeddedSystem, api: Api, flaky_subscriber: Subscriber
) -> None:
    async with page_client(system.app, "/admin/webhooks", "ada") as ada:
        page = await ada.get("/admin/webhooks/?lang=en")
        assert page.status_code == 200
        assert 'href="/admin/webhooks/"' in page.text, "in the admin area's menu"
        refused = await ada.post("/admin/webhooks/", data={"url": "ftp://x", "event_types": "*"})
        assert refused.status_code == 422 and 'id="problem"' in refused.text
        created = await ada.post(
            "/admin/webhooks/",
            data={"url": flaky_subscriber.url, "event_types": "lifecase.case.submitted"},
        )
        assert created.status_code == 200, created.text
        assert "whsec_" in created.text and flaky_subscriber.url in created.text
        [subscription] = (await api.get("/api/v1/webhooks", as_="ada")).json()

        await submit_hiring(api)

        async def delivered() -> str | None:
            page = await ada.get(f"/admin/webhooks/{subscription['id']}?lang=en")
            return page.text if 'data-status="succeeded"' in page.text else None

        detail = await wait_for(delivered, what="the delivery in the page's log")
        assert detail.count("data-attempt=") == 3 and "HTTP 500" in detail
        paused = await ada.post(f"/admin/webhooks/{subscription['id']}/pause")
        assert paused.status_code == 303
        assert not (await api.get(f"/api/v1/webhooks/{subscription['id']}", as_="ada")).json()[
            "active"
        ]

    async with page_client(system.app, "/admin/webhooks", "alma") as alma:
        page = await alma.get("/admin/webhooks/")
        assert page.status_code == 200 and flaky_subscriber.url in page.text
        assert 'id="create"' not in page.text, "auditors read only"
        refused = await alma.post(f"/admin/webhooks/{subscription['id']}/resume")
        assert refused.status_code == 403

    async with page_client(system.app, "/admin/webhooks", "rita") as rita:
        assert (await rita.get("/admin/webhooks/")).status_code == 403
