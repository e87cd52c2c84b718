"""A caseworker's day: claim, ask the reporter, see the reply, resolve; reject with a reason;
notes that stay internal; transfers that count as routing misses; leads who assign; robots
that take the next item. Each through the API, as people and robots use it."""

from __future__ import annotations

import pytest

from lifecase_embedded.system import EmbeddedSystem
from tests.support import Api, wait_for
from tests.workspace import act, item, reporter_case, routed_hiring, subcase_in, wait_for_item

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


async def test_a_caseworker_asks_the_reporter_and_resolves_once_the_reply_is_in(
    api: Api,
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")

    queue = (await api.get("/api/v1/queues/payroll/items", as_="paula")).json()
    [listed] = queue["items"]
    assert listed["id"] == payroll["id"]
    assert listed["sla"]["state"] in ("on_track", "due_soon")
    assert listed["routing"] == {
        "rule": "payroll-by-type",
        "ruleset_version": 1,
        "transfers": [],
    }

    claimed = (await act(api, payroll["id"], "claim")).json()
    assert (claimed["status"], claimed["assignee"]) == ("claimed", "paula")

    asked = await act(api, payroll["id"], "request-info", question="Hvilket lønnummer?")
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "waiting_for_reporter"
    assert asked.json()["sla"]["paused"] is True
    due_before_the_pause = asked.json()["sla"]["due_date"]

    async def question_shown() -> dict[str, object] | None:
        body = await reporter_case(api, case["id"])
        return body["messages"][0] if body["messages"] else None

    question = await wait_for(question_shown, what="the question on the reporter's case")
    assert question["kind"] == "question"
    assert question["text"] == "Hvilket lønnummer?"
    assert question["subcase_id"] == payroll["id"]
    assert question["answered"] is False

    async def highlighted() -> list[dict[str, object]] | None:
        notes = (
            await api.get("/api/v1/notifications", as_="rita", headers={"Accept-Language": "en"})
        ).json()
        asks = [n for n in notes if n["kind"] == "info_requested"]
        return asks or None

    [notice] = await wait_for(highlighted, what="the reporter to be notified of the question")
    assert notice["action_required"] is True
    assert "Hvilket lønnummer?" in str(notice["text"])
    assert str(notice["text"]).startswith("Question about")
    assert "Spørgsmål om »Lønoprettelse«" in str(notice["texts"]["da"])  # type: ignore[index]

    reply = await api.post(
        f"/api/v1/cases/{case['id']}/messages",
        as_="rita",
        json={"text": "Lønnummer 4711", "in_reply_to": question["id"]},
    )
    assert reply.status_code == 201, reply.text

    resumed = await wait_for_item(
        api, payroll["id"], lambda i: i["status"] == "claimed", what="the reply to resume it"
    )
    assert resumed["sla"]["paused"] is False
    assert resumed["sla"]["due_date"] == due_before_the_pause  # asked and answered today
    assert [(m["kind"], m["text"]) for m in resumed["messages"]] == [
        ("question", "Hvilket lønnummer?"),
        ("reply", "Lønnummer 4711"),
    ]
    shown = await reporter_case(api, case["id"])
    assert [m["answered"] for m in shown["messages"] if m["kind"] == "question"] == [True]

    done = await act(api, payroll["id"], "resolve", resolution="Oprettet")
    assert done.json()["status"] == "resolved"
    assert done.json()["sla"]["state"] == "met"


async def test_a_rejected_subcase_shows_its_reason_to_the_reporter(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")

    for action, body in [("reject", {"reason": "   "}), ("request-info", {"question": " "})]:
        blank = await act(api, payroll["id"], action, **body)
        assert blank.status_code == 422
        assert blank.headers["content-type"] == PROBLEM
    assert (await item(api, payroll["id"]))["status"] == "queued", "nothing half-written"

    rejected = await act(api, payroll["id"], "reject", reason="Medarbejderen findes allerede")
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["reason"]) == (
        "rejected",
        "Medarbejderen findes allerede",
    )
    again = await act(api, payroll["id"], "resolve", resolution="Alligevel", as_="paula")
    assert again.status_code == 409
    assert "afvist" in again.json()["detail"]

    async def shown_rejected() -> dict[str, object] | None:
        sub = subcase_in(await reporter_case(api, case["id"]), "payroll")
        return sub if sub["status"] == "rejected" else None

    sub = await wait_for(shown_rejected, what="the reporter to see the rejection")
    assert sub["reason"] == "Medarbejderen findes allerede"

    async def told() -> list[dict[str, object]] | None:
        notes = (await api.get("/api/v1/notifications", as_="rita")).json()
        return [n for n in notes if n["kind"] == "subcase_rejected"] or None

    [notice] = await wait_for(told, what="a rejection notification")
    assert notice["text"] == "»Lønoprettelse« er afvist. Begrundelse: Medarbejderen findes allerede"
    assert notice["texts"]["en"].startswith("“Payroll setup” was rejected")  # type: ignore[index]


async def test_notes_stay_internal_and_messages_reach_the_reporter_without_pausing(
    api: Api,
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")

    note = await act(api, payroll["id"], "notes", text="Ring til lønkontoret i morgen")
    assert note.status_code == 201
    assert note.json()["kind"] == "note"
    message = await act(api, payroll["id"], "messages", text="Vi går i gang i næste uge")
    assert message.status_code == 200
    assert message.json()["status"] == "claimed"
    assert message.json()["sla"]["paused"] is False

    detail = await item(api, payroll["id"])
    assert [n["text"] for n in detail["notes"]] == ["Ring til lønkontoret i morgen"]
    assert [(m["kind"], m["text"]) for m in detail["messages"]] == [
        ("message", "Vi går i gang i næste uge")
    ]

    async def message_shown() -> list[dict[str, object]] | None:
        return (await reporter_case(api, case["id"]))["messages"] or None

    [shown] = await wait_for(message_shown, what="the message on the reporter's case")
    assert (shown["kind"], shown["text"], shown["answered"]) == (
        "message",
        "Vi går i gang i næste uge",
        False,
    )
    assert "lønkontoret" not in str(await reporter_case(api, case["id"]))


async def test_a_transfer_moves_the_item_counts_a_miss_and_the_reporter_sees_the_new_unit(
    api: Api,
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")

    nowhere = await act(api, payroll["id"], "transfer", queue="canteen", reason="?")
    assert nowhere.status_code == 422
    assert nowhere.json()["errors"][0]["loc"] == ["body", "queue"]

    moved = await act(api, payroll["id"], "transfer", queue="hr", reason="Kontrakten mangler")
    assert moved.status_code == 200, moved.text
    assert (moved.json()["queue"], moved.json()["status"]) == ("hr", "queued")
    assert (await api.get(f"/api/v1/work-items/{payroll['id']}", as_="paula")).status_code == 404

    at_hr = await item(api, payroll["id"], as_="hans")
    assert at_hr["routing"]["rule"] == "payroll-by-type"
    assert [
        (t["from_queue"], t["to_queue"], t["reason"]) for t in at_hr["routing"]["transfers"]
    ] == [("payroll", "hr", "Kontrakten mangler")]
    hr_queue = (await api.get("/api/v1/queues/hr/items", as_="hans")).json()["items"]
    assert payroll["id"] in [i["id"] for i in hr_queue]

    rules = (await api.get("/api/v1/routing/rule-sets/active", as_="ada")).json()
    by_name = {r["name"]: r for r in rules["rules"]}
    assert (by_name["payroll-by-type"]["routed"], by_name["payroll-by-type"]["misses"]) == (1, 1)
    assert (by_name["hr-by-type"]["routed"], by_name["hr-by-type"]["misses"]) == (1, 0)

    async def followed() -> dict[str, object] | None:
        sub = next(
            s
            for s in (await reporter_case(api, case["id"]))["subcases"]
            if s["id"] == payroll["id"]
        )
        return sub if sub["queue"] == "hr" else None

    sub = await wait_for(followed, what="the reporter's view to follow the transfer")
    assert (sub["unit"], sub["status"]) == ("hr", "routed")


async def test_leads_assign_within_their_unit_and_others_may_not(api: Api) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")["id"]

    assert (await act(api, payroll, "assign", as_="paula", assignee="paula")).status_code == 403
    assert (await act(api, payroll, "assign", as_="ivan", assignee="ivan")).status_code == 404
    outsider = await act(api, payroll, "assign", as_="lene", assignee="hans")
    assert outsider.status_code == 422
    assert outsider.json()["errors"][0]["loc"] == ["body", "assignee"]

    assigned = await act(api, payroll, "assign", as_="lene", assignee="paula")
    assert (assigned.json()["assignee"], assigned.json()["status"]) == ("paula", "claimed")
    assert (await act(api, payroll, "claim", as_="robot-payroll")).status_code == 409
    mine = (
        await api.get("/api/v1/queues/payroll/items", as_="paula", params={"assignee": "me"})
    ).json()["items"]
    assert [i["id"] for i in mine] == [payroll]

    released = await act(api, payroll, "unassign", as_="lene")
    assert (released.json()["assignee"], released.json()["status"]) == (None, "queued")


async def test_a_robot_claims_the_item_due_first_and_an_empty_queue_answers_204(
    api: Api,
) -> None:
    first = await routed_hiring(api, employee_name="Første")
    second = await routed_hiring(api, employee_name="Anden")
    expected = sorted(
        (s["due_date"], s["id"])
        for s in (subcase_in(first, "payroll"), subcase_in(second, "payroll"))
    )

    taken = []
    for _ in expected:
        response = await api.post("/api/v1/queues/payroll/claim-next", as_="robot-payroll")
        assert response.status_code == 200, response.text
        assert response.json()["assignee"] == "robot-payroll"
        taken.append((response.json()["due_date"], response.json()["id"]))
    assert taken == expected
    empty = await api.post("/api/v1/queues/payroll/claim-next", as_="robot-payroll")
    assert empty.status_code == 204
    assert (await api.post("/api/v1/queues/hr/claim-next", as_="robot-payroll")).status_code == 404

    done = await act(api, taken[0][1], "resolve", as_="robot-payroll", resolution="Oprettet")
    assert done.json()["status"] == "resolved"


async def test_caseworkers_cannot_see_or_act_on_another_units_items(api: Api) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")["id"]
    for action, body in [
        ("transfer", {"queue": "it", "reason": "mine now"}),
        ("request-info", {"question": "?"}),
        ("messages", {"text": "hello"}),
        ("notes", {"text": "peek"}),
        ("reject", {"reason": "no"}),
        ("unassign", {}),
    ]:
        response = await act(api, payroll, action, as_="ivan", **body)
        assert response.status_code == 404, action
        assert response.headers["content-type"] == PROBLEM
    assert (await api.get("/api/v1/queues/payroll", as_="ivan")).status_code == 404
    assert (await api.post("/api/v1/queues/payroll/claim-next", as_="ivan")).status_code == 404
    detail = await item(api, payroll)
    assert (detail["status"], detail["notes"], detail["messages"]) == ("queued", [], [])


async def test_reporters_write_only_on_their_own_cases_and_only_to_real_questions(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await routed_hiring(api)
    other = await api.post(f"/api/v1/cases/{case['id']}/messages", as_="rolf", json={"text": "hi"})
    assert other.status_code == 404
    unknown = await api.post(
        f"/api/v1/cases/{case['id']}/messages",
        as_="rita",
        json={"text": "svar", "in_reply_to": "no-such-question"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "in_reply_to"]
    for blank in ("", "   "):
        empty = await api.post(
            f"/api/v1/cases/{case['id']}/messages", as_="rita", json={"text": blank}
        )
        assert empty.status_code == 422
    assert (await reporter_case(api, case["id"]))["messages"] == []
