"""The in-app inbox: unread counts, marking read, only one's own notifications, the live
stream (Server-Sent Events, signed in by the pages' session cookie), and the caseworkers'
notices with a link to the work item."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.types import ASGIApp, Message

from lifecase_contracts.events import Localized, ReplyFiled
from lifecase_embedded.system import EmbeddedSystem
from lifecase_notifications.live import InboxHub
from lifecase_routing.emit import emit
from tests.support import Api, submit_hiring, wait_for, wait_until_routed

pytestmark = pytest.mark.integration

NOTIFICATIONS = "/api/v1/notifications"
STREAM = f"{NOTIFICATIONS}/stream"
EVENT_STREAM = {"Accept": "text/event-stream"}


async def unread(api: Api, user: str) -> int:
    response = await api.get(f"{NOTIFICATIONS}/unread-count", as_=user)
    assert response.status_code == 200, response.text
    return int(response.json()["unread"])


async def unread_becomes(api: Api, user: str, count: int) -> None:
    async def probe() -> bool:
        return await unread(api, user) == count

    await wait_for(probe, what=f"{user} to have {count} unread notifications")


async def ask(api: Api, subcase_id: str, worker: str, question: str) -> None:
    claim = await api.post(f"/api/v1/work-items/{subcase_id}/claim", as_=worker)
    assert claim.status_code == 200, claim.text
    asked = await api.post(
        f"/api/v1/work-items/{subcase_id}/request-info", as_=worker, json={"question": question}
    )
    assert asked.status_code == 200, asked.text


class Stream:
    """One GET on the ASGI app, read as it streams (httpx's ASGI transport would wait for a
    stream that never ends); leaving the block is the client going away."""

    def __init__(self, app: ASGIApp, path: str, headers: dict[str, str]) -> None:
        self.app, self.path, self.headers = app, path, headers
        self.messages: asyncio.Queue[Message] = asyncio.Queue()
        self.gone = asyncio.Event()
        self.status = 0
        self.buffer = ""
        self.requested = False

    async def _receive(self) -> Message:
        if not self.requested:
            self.requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Message) -> None:
        await self.messages.put(message)

    async def start(self) -> None:
        headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": self.path,
            "raw_path": self.path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"lifecase"), *headers],
            "server": ("lifecase", 80),
            "client": ("127.0.0.1", 50000),
        }

        async def serve() -> None:
            await self.app(scope, self._receive, self._send)

        self.task: asyncio.Task[None] = asyncio.create_task(serve())
        first = await asyncio.wait_for(self.messages.get(), 10)
        assert first["type"] == "http.response.start"
        self.status = first["status"]
        self.response_headers = {k.decode(): v.decode() for k, v in first["headers"]}

    async def text(self) -> str:
        """The whole body of a response that ends (an error)."""
        parts = []
        while True:
            message = await asyncio.wait_for(self.messages.get(), 10)
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(parts).decode()

    async def event(self, name: str, timeout: float = 20.0) -> dict[str, Any]:
        """The data of the next event called ``name`` (others before it are skipped)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while "\n\n" in self.buffer:
                block, self.buffer = self.buffer.split("\n\n", 1)
                lines = [line for line in block.split("\n") if not line.startswith(":")]
                fields = dict(line.split(": ", 1) for line in lines if ": " in line)
                if fields.get("event") == name:
                    return dict(json.loads(fields["data"]))
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {name!r} event within {timeout}s")
            message = await asyncio.wait_for(self.messages.get(), remaining)
            self.buffer += message.get("body", b"").decode().replace("\r\n", "\n")

    async def close(self) -> None:
        self.gone.set()
        await asyncio.wait_for(self.task, 10)


@asynccontextmanager
async def stream(system: EmbeddedSystem, headers: dict[str, str]) -> AsyncIterator[Stream]:
    opened = Stream(system.app, STREAM, headers)
    await opened.start()
    try:
        yield opened
    finally:
        await opened.close()


def cookie(system: EmbeddedSystem, user: str) -> dict[str, str]:
    return {"Cookie": f"lifecase_session={system.token(user)}", **EVENT_STREAM}


def hub(system: EmbeddedSystem) -> InboxHub:
    found: InboxHub = system.notifications.app.state.inbox_hub
    return found


async def test_unread_count_mark_read_and_only_ones_own_notifications(api: Api) -> None:
    case = await submit_hiring(api)
    await wait_until_routed(api, case["id"])
    await unread_becomes(api, "rita", 5)
    assert await unread(api, "rolf") == 0

    listed = (await api.get(NOTIFICATIONS, as_="rita")).json()
    assert {n["link"] for n in listed} == {f"/portal/cases/{case['id']}"}
    first = listed[0]["id"]

    others = await api.post(f"{NOTIFICATIONS}/{first}/read", as_="rolf")
    assert others.status_code == 404
    assert others.headers["content-type"].startswith("application/problem+json")
    assert await unread(api, "rita") == 5

    read = await api.post(f"{NOTIFICATIONS}/{first}/read", as_="rita")
    assert read.status_code == 200, read.text
    assert read.json()["read"] is True
    again = await api.post(f"{NOTIFICATIONS}/{first}/read", as_="rita")
    assert again.status_code == 200
    assert await unread(api, "rita") == 4

    assert (await api.post(f"{NOTIFICATIONS}/read-all", as_="rolf")).json() == {"unread": 0}
    assert await unread(api, "rita") == 4
    assert (await api.post(f"{NOTIFICATIONS}/read-all", as_="rita")).json() == {"unread": 0}
    assert await unread(api, "rita") == 0
    assert (await api.post(f"{NOTIFICATIONS}/no-such-id/read", as_="rita")).status_code == 404
    assert (await api.get(f"{NOTIFICATIONS}/unread-count", as_=None)).status_code == 401


async def test_the_stream_sends_a_new_notification_and_stops_when_the_client_goes(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await submit_hiring(api)
    routed = await wait_until_routed(api, case["id"])
    await unread_becomes(api, "rita", 5)
    payroll = next(s for s in routed["subcases"] if s["unit"] == "payroll")

    # Signed in by the pages' session cookie, as a browser's EventSource is.
    async with stream(system, cookie(system, "rita")) as rita:
        assert rita.status == 200
        assert rita.response_headers["content-type"].startswith("text/event-stream")
        assert await rita.event("unread") == {"unread": 5}
        await ask(api, payroll["id"], "paula", "Hvilket registreringsnummer har kontoen?")
        notice = await rita.event("notification")
        assert notice["kind"] == "info_requested"
        assert notice["action_required"] is True
        assert notice["link"] == f"/portal/cases/{case['id']}"
        assert await rita.event("unread") == {"unread": 6}

        # Marking read elsewhere lowers the count on the open stream.
        await api.post(f"{NOTIFICATIONS}/read-all", as_="rita")
        assert await rita.event("unread") == {"unread": 0}
        assert hub(system).open_streams == 1

    async def gone() -> bool:
        return hub(system).open_streams == 0

    await wait_for(gone, what="the stream to be let go")


async def test_the_stream_refuses_strangers_and_other_clients_and_too_many_streams(
    system: EmbeddedSystem, api: Api
) -> None:
    nobody = Stream(system.app, STREAM, EVENT_STREAM)
    await nobody.start()
    assert nobody.status == 401
    await nobody.close()

    # A client that did not ask for an event stream (a crawler, a fuzzer) is not held open.
    plain = Stream(system.app, STREAM, {"Cookie": cookie(system, "rita")["Cookie"]})
    await plain.start()
    assert plain.status == 406
    assert "text/event-stream" in json.loads(await plain.text())["detail"]
    await plain.close()

    streams = [Stream(system.app, STREAM, cookie(system, "rita")) for _ in range(6)]
    for opened in streams[:5]:
        await opened.start()
        assert opened.status == 200
        await opened.event("unread")
    await streams[5].start()
    assert streams[5].status == 429
    for opened in streams:
        await opened.close()
    async with stream(system, cookie(system, "rita")) as again:
        assert again.status == 200


async def test_a_filed_reply_tells_the_asker_and_the_assignee_with_a_link_to_the_item(
    api: Api, system: EmbeddedSystem
) -> None:
    case_id, subcase_id, question = (str(uuid.uuid4()) for _ in range(3))
    for in_reply_to, recipients in ((question, ["paula", "lene"]), (None, ["lene", "lene"])):
        filed = ReplyFiled(
            case_id=case_id,
            subcase_id=subcase_id,
            title=Localized(da="Lønoprettelse", en="Payroll set-up"),
            message_id=str(uuid.uuid4()),
            in_reply_to=in_reply_to,
            recipients=recipients,
        )
        # As routing files a reply: staged in its outbox, relayed to JetStream.
        async with system.routing.app.state.sessions() as session, session.begin():
            await emit(session, system.routing.outbox, filed, "reply-filed", filed.message_id)

    await unread_becomes(api, "paula", 1)
    await unread_becomes(api, "lene", 2)
    [answer] = (await api.get(NOTIFICATIONS, as_="paula")).json()
    assert answer["kind"] == "reply_filed"
    assert answer["link"] == f"/workspace/items/{subcase_id}"
    assert answer["action_required"] is True
    assert answer["text"] == "Indberetteren svarede på »Lønoprettelse«"
    english = await api.get(NOTIFICATIONS, as_="lene", headers={"Accept-Language": "en"})
    texts = sorted(n["text"] for n in english.json())
    assert texts == [
        "The reporter answered on “Payroll set-up”",
        "The reporter wrote about “Payroll set-up”",
    ]
    assert await unread(api, "rita") == 0
