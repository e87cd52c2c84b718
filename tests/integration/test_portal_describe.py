""" "Describe what happened" in the portal against the real system: routing's triage model
suggests the life events, the chosen one opens as a draft with what the text gave, and a
text that fits no form becomes a general request in the triage queue. Forms are posted as a
browser without JavaScript would."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date

import httpx
import pytest

from lifecase_embedded.system import EmbeddedSystem
from lifecase_intake.portal.triage import HttpTriage
from lifecase_platform.workdays import today_in_denmark
from tests.support import Api, page_client, wait_for

pytestmark = [
    pytest.mark.integration,
    # The pages and the suggestions store nothing per database; drafts are tested on both.
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]

SUGGESTION = re.compile(r'data-suggestion="([a-z_]+)"')
DRAFT = re.compile(r"^/portal/drafts/([0-9a-f]{32})$")


def browser_of(system: EmbeddedSystem, user: str) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    return page_client(system.app, "/portal", user)


def next_first_of_april() -> str:
    today = today_in_denmark()
    this_year = date(today.year, 4, 1)
    return (this_year if this_year > today else date(today.year + 1, 4, 1)).isoformat()


def use_form(page: str, event_type: str) -> dict[str, str]:
    """The hidden inputs of the "use this form" form of ``event_type`` on a describe page."""
    form = re.search(
        r'<form method="post" action="/portal/describe/use"[^>]*>(.*?)</form>',
        page[page.index(f'data-suggestion="{event_type}"') :],
        re.S,
    )
    assert form, f"no form to use {event_type}"
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
    return {name: value for name, value in inputs if name != "csrf_token"}


async def test_parental_leave_is_suggested_and_opens_as_a_draft_with_the_start_date(
    api: Api, system: EmbeddedSystem
) -> None:
    start = next_first_of_april()
    async with browser_of(system, "rita") as rita:
        front = await rita.get("/portal/")
        assert "Beskriv hvad der er sket" in front.text
        page = await rita.post("/portal/describe", data={"text": "hun skal på barsel fra 1. april"})
        assert page.status_code == 200, page.text
        assert SUGGESTION.findall(page.text)[0] == "parental_leave"
        assert "Barselsorlov" in page.text and "Sandsynligt" in page.text
        assert "Fordi teksten nævner: »barsel«" in page.text
        assert "Orlovsperioder, periode 1, Fra" in page.text
        values = use_form(page.text, "parental_leave")
        assert values == {"event_type": "parental_leave", "leave_periods-1-start": start}

        opened = await rita.post("/portal/describe/use", data=values)
        assert opened.status_code == 303
        draft = DRAFT.match(opened.headers["location"])
        assert draft
        form = await rita.get(opened.headers["location"])
        assert form.status_code == 200
        assert re.search(rf'name="leave_periods-1-start" value="{start}"', form.text)
        # The reporter's department, as any new form has it.
        assert 'value="Børne- og Ungeforvaltningen"' in form.text
    assert (await api.get("/api/v1/cases", as_="rita")).json()["items"] == []


async def test_a_text_that_fits_no_form_becomes_a_general_request_in_triage(
    api: Api, system: EmbeddedSystem
) -> None:
    text = "xqzzy blorp fnord"
    async with browser_of(system, "rita") as rita:
        page = await rita.post("/portal/describe", data={"text": text})
        assert page.status_code == 200, page.text
        assert "Vi kan ikke se, hvilken formular det er." in page.text
        assert SUGGESTION.findall(page.text)[0] == "general_request"
        values = use_form(page.text, "general_request")
        assert values == {"event_type": "general_request", "description": text}

        opened = await rita.post("/portal/describe/use", data=values)
        draft = DRAFT.match(opened.headers["location"])
        assert draft
        form = await rita.get(opened.headers["location"])
        assert re.search(
            rf'<textarea id="field-description" name="description"[^>]*>{text}<', form.text
        )
        filed = await rita.post(
            "/portal/file/general_request",
            data={
                "form_token": draft.group(1),
                "description": text,
                "department": "Børne- og Ungeforvaltningen",
                "action": "submit",
            },
        )
        assert filed.status_code == 303, filed.text
        case_id = filed.headers["location"].rsplit("/", 1)[1]

        async def in_triage() -> dict[str, str] | None:
            case = (await api.get(f"/api/v1/cases/{case_id}", as_="rita")).json()
            subs = case["subcases"]
            return subs[0] if subs and subs[0]["status"] == "routed" else None

        routed = await wait_for(in_triage, what="the general request to be routed")
        assert routed["queue"] == "triage"
        assert "Visitation" in (await rita.get(f"/portal/cases/{case_id}")).text
        # Filing the form is done with its draft.
        assert draft.group(1) not in (await rita.get("/portal/")).text


def no_model(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        503,
        json={"type": "about:blank", "title": "Service Unavailable", "status": 503},
        headers={"content-type": "application/problem+json"},
    )


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize("answer", [no_model, unreachable], ids=["no-model", "unreachable"])
async def test_without_suggestions_the_reporter_is_told_and_picks_the_form(
    api: Api, system: EmbeddedSystem, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    system.intake.portal.state.triage = HttpTriage(
        routing_url="http://routing", transport=httpx.MockTransport(answer)
    )
    async with browser_of(system, "rita") as rita:
        page = await rita.post("/portal/describe", data={"text": "vi har en ny vikar på mandag"})
        assert page.status_code == 200, page.text
        assert "Vi kan ikke foreslå en formular lige nu." in page.text
        assert 'href="/portal/file/hiring"' in page.text
        assert (
            use_form(page.text, "general_request")["description"] == "vi har en ny vikar på mandag"
        )


async def test_an_empty_or_too_long_description_is_asked_for_again(
    api: Api, system: EmbeddedSystem
) -> None:
    async with browser_of(system, "rita") as rita:
        empty = await rita.post("/portal/describe", data={"text": "   "})
        assert empty.status_code == 422
        assert "Skriv med et par ord, hvad der er sket." in empty.text
        long = await rita.post("/portal/describe", data={"text": "barsel " * 400})
        assert long.status_code == 422
        assert "Skriv højst 2000 tegn." in long.text
        unknown = await rita.post("/portal/describe/use", data={"event_type": "nope"})
        assert unknown.status_code == 404
