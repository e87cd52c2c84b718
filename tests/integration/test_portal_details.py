"""Everyday details of the reporter portal, over HTTP as a browser without JavaScript: the
case page names the life event and the employee, and the case by its short number; the
withdraw page says which tasks are cancelled and which were done; the preview warns of an
open case for the same employee; the bulk page documents every column, and a CSV file may
write a choice by its label."""

from __future__ import annotations

import re

import pytest

from lifecase_embedded.system import EmbeddedSystem
from tests.integration.test_portal import FORM, browser_of, form_token
from tests.support import Api, days_ahead, submit_hiring, wait_for, wait_until_routed

pytestmark = pytest.mark.integration


async def test_the_case_page_names_event_employee_and_number_and_withdrawing_lists_tasks(
    api: Api, system: EmbeddedSystem
) -> None:
    case = await submit_hiring(api, employee_name="Jens Hansen")
    routed = await wait_until_routed(api, case["id"])
    contract = next(s for s in routed["subcases"] if s["unit"] == "hr")
    claim = await api.post(f"/api/v1/work-items/{contract['id']}/claim", as_="hans")
    assert claim.status_code == 200
    done = await api.post(
        f"/api/v1/work-items/{contract['id']}/resolve", as_="hans", json={"resolution": "OK"}
    )
    assert done.status_code == 200
    async with browser_of(system, "rita") as rita:
        page = await rita.get(f"/portal/cases/{case['id']}")
        assert "<h1>Ansættelse · Jens Hansen</h1>" in page.text
        assert f"<code>{case['case_number']}</code>" in page.text
        assert f"<code>{case['id']}</code>" not in page.text
        listed = await rita.get("/portal/cases")
        assert case["case_number"] in listed.text

        async def resolved_shown() -> bool:
            shown = await rita.get(f"/portal/cases/{case['id']}/withdraw")
            return 'data-effect="reversed"' in shown.text

        await wait_for(resolved_shown, what="the resolved task on the withdraw page")
        withdraw = await rita.get(f"/portal/cases/{case['id']}/withdraw")
        assert withdraw.text.count('data-effect="cancelled"') == 4
        assert withdraw.text.count('data-effect="reversed"') == 1
        assert "annulleres i enhedens kø" in withdraw.text


async def test_the_preview_warns_of_an_open_case_for_the_same_employee(
    api: Api, system: EmbeddedSystem
) -> None:
    first = await submit_hiring(api, cpr="0101901234")
    async with browser_of(system, "rita") as rita:
        token = await form_token(rita)
        form = {**FORM, "form_token": token, "action": "preview"}
        preview = await rita.post("/portal/file/hiring", data=form)
        assert preview.status_code == 200
        assert 'id="duplicate-warnings"' in preview.text
        assert first["case_number"] in preview.text
        other = await rita.post("/portal/file/hiring", data={**form, "cpr": "020290-2345"})
        assert 'id="duplicate-warnings"' not in other.text


async def test_the_bulk_page_documents_columns_and_a_choice_may_be_written_as_its_label(
    api: Api, system: EmbeddedSystem
) -> None:
    heading = "Medarbejderens navn;cpr;start_date;position;department;employment_type;weekly_hours"
    row = f"Ida Sommer;010190-1234;{days_ahead(7)};Vikar;Solsikken;Tidsbegrænset;30"
    async with browser_of(system, "rita") as rita:
        page = await rita.get("/portal/bulk/hiring")
        assert page.status_code == 200
        column = re.search(r'<tr data-column="employment_type">(.*?)</tr>', page.text, re.S)
        assert column is not None
        assert "<code>permanent</code>" in column.group(1)
        assert "<code>temporary</code>" in column.group(1)
        body = "\r\n".join([heading, row]).encode()
        accepted = await rita.post(
            "/portal/bulk/hiring", files={"file": ("vikarer.csv", body, "text/csv")}
        )
        assert accepted.status_code == 303, accepted.text
