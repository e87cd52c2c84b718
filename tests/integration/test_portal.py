"""The reporter portal against the real system (NATS, Temporal, SQLite and PostgreSQL), over
HTTP as a browser without JavaScript would use it: forms posted, redirects followed."""

from __future__ import annotations

import asyncio
import re
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lifecase_embedded.system import EmbeddedSystem
from tests.support import Api, days_ahead, page_client, wait_for, wait_until_routed

SOON = days_ahead(7)  # every hiring sub-case's date has come: all five open at once

pytestmark = pytest.mark.integration

TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')
FORM = {
    "employee_name": "Mette Hansen",
    "cpr": "010190-1234",
    "start_date": SOON,
    "position": "Pædagog",
    "department": "Solsikken",
    "employment_type": "permanent",
    "weekly_hours": "37,5",
    "needs_laptop": "true",
}


def browser_of(system: EmbeddedSystem, user: str) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """A cookie-keeping client signed in to the portal as ``user``."""
    return page_client(system.app, "/portal", user)


async def form_token(client: httpx.AsyncClient) -> str:
    page = await client.get("/portal/file/hiring")
    assert page.status_code == 200
    match = TOKEN.search(page.text)
    assert match
    return match.group(1)


async def test_the_front_door_leads_to_sign_in_and_the_life_events(
    api: Api, system: EmbeddedSystem
) -> None:
    front = await api.client.get("/")
    assert front.headers["location"] == "/portal/"
    assert (await api.client.get("/portal/")).headers["location"] == "/portal/sign-in?next=/portal/"
    async with browser_of(system, "rita") as rita:
        start = await rita.get("/portal/")
        assert "Ansættelse" in start.text and "Ny medarbejder starter." in start.text
        assert "Hiring" in (await rita.get("/portal/?lang=en")).text
    assert (await api.get("/api/v1/cases/nope", as_="rita")).headers["content-type"] == (
        "application/problem+json"
    )


async def test_a_form_posted_twice_at_once_files_one_case(
    api: Api, system: EmbeddedSystem, spans: InMemorySpanExporter
) -> None:
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        posts = [
            rita.post("/portal/file/hiring", data={**FORM, "form_token": token, "action": "submit"})
            for _ in range(2)
        ]
        first, second = await asyncio.gather(*posts)
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        case_page = await rita.get(first.headers["location"])
        assert "Mette Hansen" in case_page.text
    cases = (await api.get("/api/v1/cases", as_="rita")).json()["items"]
    assert len(cases) == 1
    assert cases[0]["data"]["weekly_hours"] == 37.5
    await wait_until_routed(api, cases[0]["id"])
    for span in spans.get_finished_spans():
        text = f"{span.name} {dict(span.attributes or {})}"
        assert "010190" not in text and "Mette" not in text, span.name


async def test_invalid_fields_come_back_with_their_errors_and_nothing_is_filed(
    api: Api, system: EmbeddedSystem
) -> None:
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        data = {**FORM, "cpr": "320190-1234", "form_token": token, "action": "submit"}
        response = await rita.post("/portal/file/hiring?lang=en", data=data)
    assert response.status_code == 422
    assert "CPR number: Not a valid CPR number." in response.text
    assert 'value="Mette Hansen"' in response.text
    assert (await api.get("/api/v1/cases", as_="rita")).json()["items"] == []


async def test_a_draft_is_kept_until_its_form_is_submitted(
    api: Api, system: EmbeddedSystem
) -> None:
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        partial = {"employee_name": "Mette Hansen", "weekly_hours": "mange"}
        saved = await rita.post(
            "/portal/file/hiring", data={**partial, "form_token": token, "action": "save"}
        )
        assert saved.headers["location"] == f"/portal/drafts/{token}?saved=1"
        draft = await rita.get(saved.headers["location"])
        assert 'value="mange"' in draft.text  # kept exactly as typed
        assert "Fortsæt: Ansættelse" in (await rita.get("/portal/")).text

        async with browser_of(system, "rolf") as rolf:
            assert (await rolf.get(f"/portal/drafts/{token}")).status_code == 404

        filed = await rita.post(
            "/portal/file/hiring", data={**FORM, "form_token": token, "action": "submit"}
        )
        assert filed.status_code == 303
        assert "Fortsæt: Ansættelse" not in (await rita.get("/portal/")).text
    assert len((await api.get("/api/v1/cases", as_="rita")).json()["items"]) == 1


async def test_a_bulk_upload_submits_nothing_until_every_row_is_valid(
    api: Api, system: EmbeddedSystem
) -> None:
    heading = "employee_name;cpr;start_date;position;department;employment_type;weekly_hours"
    good = f"Ida Sommer;010190-1234;{SOON};Vikar;Solsikken;temporary;30"
    bad = f"Jens Sommer;010190-12;{SOON};Vikar;Solsikken;temporary;30"

    def upload(*rows: str) -> dict[str, tuple[str, bytes, str]]:
        body = "\r\n".join([heading, *rows]).encode()
        return {"file": ("vikarer.csv", body, "text/csv")}

    async with browser_of(system, "rita") as rita:
        refused = await rita.post("/portal/bulk/hiring", files=upload(good, bad, good))
        assert refused.status_code == 422
        assert "Række 3" in refused.text
        assert (await api.get("/api/v1/cases", as_="rita")).json()["items"] == []

        accepted = await rita.post("/portal/bulk/hiring", files=upload(good, good, good))
        assert accepted.status_code == 303
        batch = accepted.headers["location"]
        assert (await api.get("/api/v1/cases", as_="rita")).json()["items"] == []

        submitted = await rita.post(f"{batch}/submit")  # without JavaScript: all rows at once
        assert submitted.headers["location"] == batch
        again = await rita.post(f"{batch}/submit")  # a repeat files nothing more
        assert again.status_code == 303
        assert "3 sager indsendt." in (await rita.get(batch)).text

    async def three_routed() -> bool:
        items = (await api.get("/api/v1/cases", as_="rita")).json()["items"]
        subcases = [s for c in items for s in c["subcases"]]
        return (
            len(items) == 3
            and len(subcases) == 15
            and all(s["status"] == "routed" for s in subcases)
        )

    await wait_for(three_routed, what="the three bulk cases to be routed")


async def test_a_reporter_cannot_open_another_reporters_case_page(
    api: Api, system: EmbeddedSystem
) -> None:
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        filed = await rita.post(
            "/portal/file/hiring", data={**FORM, "form_token": token, "action": "submit"}
        )
        case_page = filed.headers["location"]
    async with browser_of(system, "rolf") as rolf:
        response = await rolf.get(case_page)
        assert response.status_code == 404
        assert "Mette Hansen" not in response.text
        assert "Kunne ikke finde sagen." in response.text


async def test_a_form_resent_with_other_values_after_it_was_filed_files_nothing_new(
    api: Api, system: EmbeddedSystem
) -> None:
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        first = {**FORM, "form_token": token, "action": "submit"}
        assert (await rita.post("/portal/file/hiring", data=first)).status_code == 303
        changed = {**first, "position": "Leder"}  # e.g. the back button, an edit, submit
        again = await rita.post("/portal/file/hiring", data=changed)
        assert again.status_code == 409
        assert "Formularen er allerede indsendt" in again.text
    assert len((await api.get("/api/v1/cases", as_="rita")).json()["items"]) == 1


async def test_on_the_case_page_a_reporter_answers_a_question_moves_a_date_and_withdraws(
    api: Api, system: EmbeddedSystem
) -> None:
    later = {**FORM, "start_date": days_ahead(60)}  # IT and facilities are scheduled
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        filed = await rita.post(
            "/portal/file/hiring", data={**later, "form_token": token, "action": "submit"}
        )
        case_page = filed.headers["location"]
        case_id = case_page.rsplit("/", 1)[1]

        async def payroll_routed() -> dict[str, Any] | None:
            case = (await api.get(f"/api/v1/cases/{case_id}", as_="rita")).json()
            subs = [s for s in case["subcases"] if s["activity"] == "payroll_setup"]
            return subs[0] if subs and subs[0]["status"] == "routed" else None

        payroll = await wait_for(payroll_routed, what="payroll setup to be routed")
        assert (await api.post(f"/api/v1/work-items/{payroll['id']}/claim", as_="paula")).is_success
        asked = await api.post(
            f"/api/v1/work-items/{payroll['id']}/request-info",
            as_="paula",
            json={"question": "Hvilket lønnummer?"},
        )
        assert asked.is_success, asked.text

        async def question_shown() -> str | None:
            text = (await rita.get(case_page)).text
            return text if "Hvilket lønnummer?" in text else None

        page = await wait_for(question_shown, what="the question on the case page")
        assert "En sagsbehandler har et spørgsmål til dig." in page
        assert "Hvilket lønnummer?" in page
        assert "Åbner" in page  # the scheduled sub-cases say when they open
        assert "Løn – oprettelser og ændringer" in page  # the queue by name, not its key
        question = re.search(r'name="in_reply_to" value="([^"]+)"', page)
        assert question
        empty = await rita.post(
            f"{case_page}/messages", data={"in_reply_to": question.group(1), "text": " "}
        )
        assert empty.status_code == 422 and "Skriv noget, før du sender." in empty.text
        answered = await rita.post(
            f"{case_page}/messages", data={"in_reply_to": question.group(1), "text": "4711"}
        )
        assert answered.status_code == 303

        async def back_with_paula() -> bool:
            item = (await api.get(f"/api/v1/work-items/{payroll['id']}", as_="paula")).json()
            return bool(item["status"] != "waiting")

        await wait_for(back_with_paula, what="the work item to resume")

        bad = await rita.post(f"{case_page}/reschedule", data={"start_date": "2027-02-30"})
        assert bad.status_code == 422
        assert 'id="field-start_date"' in bad.text and 'aria-invalid="true"' in bad.text
        preview = await rita.post(
            f"{case_page}/reschedule", data={"start_date": days_ahead(90), "action": "preview"}
        )
        assert preview.status_code == 200 and "Det flytter" in preview.text
        assert re.search(r"It-udstyr og konti</strong>:\s*starter .+ i stedet for", preview.text)
        moved = await rita.post(
            f"{case_page}/reschedule", data={"start_date": days_ahead(90), "reason": "Senere"}
        )
        assert moved.status_code == 303
        assert (
            "Datoer ændret (Første arbejdsdag). Begrundelse: Senere"
            in (await rita.get(case_page)).text
        )

        refused = await rita.post(f"{case_page}/withdraw", data={"reason": ""})
        assert refused.status_code == 422 and "Skriv en begrundelse." in refused.text
        withdrawn = await rita.post(f"{case_page}/withdraw", data={"reason": "Ikke besat"})
        assert withdrawn.status_code == 303
        page = (await rita.get(case_page)).text
        assert "Sagen er trukket tilbage. Begrundelse: Ikke besat" in page
        assert "Ret datoer" not in page

    async def all_cancelled() -> bool:
        case = (await api.get(f"/api/v1/cases/{case_id}", as_="rita")).json()
        return all(s["status"] == "cancelled" for s in case["subcases"])

    await wait_for(all_cancelled, what="the withdrawn case's tasks to be cancelled")


async def test_the_preview_names_units_tasks_and_dates_and_submits_from_there(
    api: Api, system: EmbeddedSystem
) -> None:
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        form = {**FORM, "form_token": token}
        preview = await rita.post("/portal/file/hiring", data={**form, "action": "preview"})
        assert preview.status_code == 200
        assert "Det sker der, når du indsender" in preview.text
        assert "Lønoprettelse" in preview.text and "Løn – oprettelser og ændringer" in preview.text
        assert "Mette Hansen" in preview.text  # carried in a hidden input, in the body
        assert (await api.get("/api/v1/cases", as_="rita")).json()["items"] == []

        edit = await rita.post("/portal/file/hiring", data={**form, "action": "edit"})
        assert 'value="Mette Hansen"' in edit.text and "Se hvad der sker" in edit.text

        filed = await rita.post("/portal/file/hiring", data={**form, "action": "submit"})
        assert filed.status_code == 303
    [case] = (await api.get("/api/v1/cases", as_="rita")).json()["items"]
    assert case["data"]["weekly_hours"] == 37.5
