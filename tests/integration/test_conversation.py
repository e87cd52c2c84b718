"""A conversation that cannot go wrong: every message the reporter writes names its addressee
(one question, or one unit); nothing answers a question it does not name; the caseworkers hear
of a reply (``ReplyFiled``) and see it on the queue row; a rejected task tells the reporter
why and what she can do next."""

from __future__ import annotations

import json
import re
from typing import Any

import nats
import pytest
from nats.js.api import DeliverPolicy

from lifecase_contracts.events import STREAM_NAME, ReplyFiled
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from tests.support import Api, page_client, wait_for
from tests.workspace import act, item, reporter_case, routed_hiring, subcase_in, wait_for_item

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


async def ask(api: Api, case_id: str, item_id: str, question: str) -> dict[str, Any]:
    """paula asks the reporter; returns the question as the reporter's case shows it."""
    assert (await act(api, item_id, "request-info", question=question)).status_code == 200

    async def shown() -> dict[str, Any] | None:
        messages = (await reporter_case(api, case_id))["messages"]
        found = [m for m in messages if m["text"] == question]
        return found[0] if found else None

    return await wait_for(shown, what="the question on the reporter's case")


async def queue_row(api: Api, queue: str, item_id: str, as_: str) -> dict[str, Any]:
    rows = (await api.get(f"/api/v1/queues/{queue}/items", as_=as_)).json()["items"]
    return dict(next(r for r in rows if r["id"] == item_id))


async def replies_filed(nats_url: str, count: int) -> list[dict[str, Any]]:
    """The first ``count`` ``ReplyFiled`` events on the stream."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        sub = await js.subscribe(
            ReplyFiled.TYPE, stream=STREAM_NAME, deliver_policy=DeliverPolicy.ALL
        )
        found = []
        for _ in range(count):
            message = await sub.next_msg(timeout=20)
            found.append(json.loads(message.data))
        return found
    finally:
        await nc.close()


async def test_a_note_to_it_reaches_it_only_and_the_answer_resumes_payroll(
    api: Api, system_config: SystemConfig
) -> None:
    case = await routed_hiring(api)
    payroll, it = subcase_in(case, "payroll"), subcase_in(case, "it")
    question = await ask(api, case["id"], payroll["id"], "Hvilket lønnummer?")

    note = await api.post(
        f"/api/v1/cases/{case['id']}/messages",
        as_="rita",
        json={"text": "Hun skal have en stor skærm", "to_unit": "it"},
    )
    assert note.status_code == 201, note.text
    assert (note.json()["to_unit"], note.json()["in_reply_to"]) == ("it", None)

    at_it = await wait_for_item(
        api, it["id"], lambda i: bool(i["messages"]), as_="ivan", what="the note to reach IT"
    )
    assert [(m["kind"], m["text"]) for m in at_it["messages"]] == [
        ("reply", "Hun skal have en stor skærm")
    ]
    assert at_it["status"] == "queued", "a note changes no status"
    assert (await queue_row(api, "it", it["id"], as_="ivan"))["reporter_answered"] is True

    waiting = await item(api, payroll["id"])
    assert waiting["status"] == "waiting_for_reporter"
    assert waiting["sla"]["paused"] is True
    assert [m["kind"] for m in waiting["messages"]] == ["question"], "IT's note is not payroll's"
    assert (await queue_row(api, "payroll", payroll["id"], as_="paula"))[
        "reporter_answered"
    ] is False
    shown = await reporter_case(api, case["id"])
    assert [m["answered"] for m in shown["messages"] if m["kind"] == "question"] == [False]

    answer = await api.post(
        f"/api/v1/cases/{case['id']}/messages",
        as_="rita",
        json={"text": "Lønnummer 4711", "in_reply_to": question["id"]},
    )
    assert answer.status_code == 201, answer.text
    resumed = await wait_for_item(
        api, payroll["id"], lambda i: i["status"] == "claimed", what="the answer to resume it"
    )
    assert resumed["sla"]["paused"] is False
    assert [(m["kind"], m["in_reply_to"]) for m in resumed["messages"]] == [
        ("question", None),
        ("reply", question["id"]),
    ]
    assert (await queue_row(api, "payroll", payroll["id"], as_="paula"))[
        "reporter_answered"
    ] is True
    shown = await reporter_case(api, case["id"])
    assert [m["answered"] for m in shown["messages"] if m["kind"] == "question"] == [True]

    filed = {e["data"]["subcase_id"]: e for e in await replies_filed(system_config.nats_url, 2)}
    assert set(filed) == {payroll["id"], it["id"]}
    to_payroll = filed[payroll["id"]]["data"]
    assert to_payroll["recipients"] == ["paula"], "the asker, who is also the assignee, once"
    assert to_payroll["in_reply_to"] == question["id"]
    assert filed[it["id"]]["data"]["recipients"] == [], "nobody has IT's item yet"
    assert "4711" not in json.dumps(filed), "the text stays in routing"

    asked_again = await act(api, payroll["id"], "request-info", question="Og afdelingen?")
    assert asked_again.json()["reporter_answered"] is False, "the unit wrote back"


async def test_a_message_without_a_known_addressee_is_refused_and_nothing_is_written(
    api: Api,
) -> None:
    case = await routed_hiring(api)
    path = f"/api/v1/cases/{case['id']}/messages"
    for body, field in [
        ({"text": "Til hvem?"}, "to_unit"),
        ({"text": "Til hvem?", "to_unit": "servicedesk"}, "to_unit"),  # no task on the case
        ({"text": "Til hvem?", "to_unit": "it", "in_reply_to": "no-such"}, "to_unit"),
    ]:
        refused = await api.post(path, as_="rita", json=body)
        assert refused.status_code == 422, body
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json()["errors"][0]["loc"] == ["body", field]
    english = await api.post(
        path, as_="rita", json={"text": "x"}, headers={"Accept-Language": "en"}
    )
    assert "Choose whom the message is for" in english.json()["detail"]
    assert (await reporter_case(api, case["id"]))["messages"] == []


async def test_a_rejected_task_shows_its_reason_and_the_ways_forward(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")
    rejected = await act(api, payroll["id"], "reject", reason="Medarbejderen findes allerede")
    assert rejected.status_code == 200, rejected.text

    async with page_client(system.app, "/portal", "rita") as rita:
        case_page = f"/portal/cases/{case['id']}"

        async def shown() -> str | None:
            text = (await rita.get(case_page)).text
            return text if 'id="reopen-' in text else None

        page = await wait_for(shown, what="the rejected task on the case page")
        assert "Begrundelse: Medarbejderen findes allerede" in page
        assert "Svar og bed om genåbning" in page
        assert "Det kan du gøre nu" in page
        assert f'href="#reopen-{payroll["id"]}"' in page
        assert "besvarer alle åbne spørgsmål" not in page
        assert "Skriv til en enhed" in page

        blank = await rita.post(f"{case_page}/messages", data={"text": "Hej"})
        assert blank.status_code == 422 and "Vælg en enhed." in blank.text

        asked = await rita.post(
            f"{case_page}/messages",
            data={"text": "Hun er ny, se CPR igen", "to_unit": "payroll", "box": payroll["id"]},
        )
        assert asked.status_code == 303
        reopened_ask = await wait_for_item(
            api,
            payroll["id"],
            lambda i: any(m["text"] == "Hun er ny, se CPR igen" for m in i["messages"]),
            what="the plea to reach payroll",
        )
        assert reopened_ask["status"] == "rejected", "reopening is the caseworker's call"
        assert reopened_ask["reporter_answered"] is True
        assert "Du til Løn" in (await rita.get(case_page)).text

        again = await rita.post(f"{case_page}/file-again", data={})
        assert again.status_code == 303
        draft = again.headers["location"]
        assert re.fullmatch(r"/portal/drafts/[0-9a-f]{32}", draft), "no case data in the URL"
        form = (await rita.get(draft)).text
        assert 'value="Mette Hansen"' in form
