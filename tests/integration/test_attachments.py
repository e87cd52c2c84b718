"""Files on the reporter's messages (ADR 0029): the bytes go to the JetStream object store,
the caseworker downloads them through routing and the reporter through intake, nobody else
finds them; a file too large, of the wrong type or refused by the virus scan leaves nothing
behind; erasing the case deletes its files."""

from __future__ import annotations

import hashlib
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from lifecase_contracts.events import CaseErased
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_intake.conversation.models import MessageAttachment
from lifecase_platform.attachments import OBJECT_STREAM
from lifecase_platform.messaging import Publisher
from tests.support import Api, wait_for
from tests.workspace import act, reporter_case, routed_hiring, subcase_in, wait_for_item

pytestmark = pytest.mark.integration

MAX_BYTES = 64 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
REFUSES_EICAR = """\
import sys
sys.exit(1 if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in sys.stdin.buffer.read() else 0)
"""


@pytest.fixture
def system_config(system_config: SystemConfig, tmp_path: Path) -> SystemConfig:
    scanner = tmp_path / "scan.py"
    scanner.write_text(REFUSES_EICAR)
    system_config.extra = {
        **system_config.extra,
        "attachment_max_bytes": MAX_BYTES,
        "attachment_scan_command": f"{sys.executable} {scanner}",
    }
    return system_config


async def ask(api: Api, case_id: str, item_id: str, question: str) -> dict[str, Any]:
    assert (await act(api, item_id, "request-info", question=question)).status_code == 200

    async def shown() -> dict[str, Any] | None:
        messages = (await reporter_case(api, case_id))["messages"]
        return next((m for m in messages if m["text"] == question), None)

    return await wait_for(shown, what="the question on the reporter's case")


async def write(
    api: Api, case_id: str, files: list[tuple[str, bytes, str]], **fields: str
) -> httpx.Response:
    return await api.post(
        f"/api/v1/cases/{case_id}/messages",
        as_="rita",
        data=fields,
        files=[("attachments", f) for f in files],
    )


async def stored_objects(nats_url: str) -> int:
    """Messages in the attachment store's stream: chunks and metadata of every object."""
    nc = await nats.connect(nats_url)
    try:
        return (await nc.jetstream().stream_info(OBJECT_STREAM)).state.messages
    finally:
        await nc.close()


async def test_an_answer_with_a_file_reaches_the_caseworker_and_only_the_reporter_besides(
    api: Api, system_config: SystemConfig
) -> None:
    case = await routed_hiring(api)
    payroll = subcase_in(case, "payroll")
    question = await ask(api, case["id"], payroll["id"], "Send kontrakten, tak")

    answer = await write(
        api,
        case["id"],
        [("kontrakt æø.pdf", PDF, "application/pdf"), ("skitse.png", PNG, "image/png")],
        text="Her er kontrakten",
        in_reply_to=question["id"],
    )
    assert answer.status_code == 201, answer.text
    files = answer.json()["attachments"]
    assert [(f["filename"], f["content_type"], f["size"]) for f in files] == [
        ("kontrakt æø.pdf", "application/pdf", len(PDF)),
        ("skitse.png", "image/png", len(PNG)),
    ]
    pdf_id = files[0]["id"]

    filed = await wait_for_item(
        api,
        payroll["id"],
        lambda i: any(m["kind"] == "reply" for m in i["messages"]),
        what="the answer to reach payroll",
    )
    reply = next(m for m in filed["messages"] if m["kind"] == "reply")
    assert [f["id"] for f in reply["attachments"]] == [f["id"] for f in files]

    at_routing = await api.get(
        f"/api/v1/work-items/{payroll['id']}/attachments/{pdf_id}", as_="paula"
    )
    assert at_routing.status_code == 200, at_routing.text
    assert hashlib.sha256(at_routing.content).digest() == hashlib.sha256(PDF).digest()
    assert at_routing.headers["content-type"] == "application/pdf"
    assert at_routing.headers["x-content-type-options"] == "nosniff"
    assert at_routing.headers["content-disposition"] == (
        "attachment; filename=\"kontrakt __.pdf\"; filename*=UTF-8''kontrakt%20%C3%A6%C3%B8.pdf"
    )

    at_intake = await api.get(f"/api/v1/cases/{case['id']}/attachments/{pdf_id}", as_="rita")
    assert at_intake.status_code == 200
    assert at_intake.content == PDF
    shown = await reporter_case(api, case["id"])
    mine = next(m for m in shown["messages"] if m["kind"] == "reply")
    assert [f["id"] for f in mine["attachments"]] == [f["id"] for f in files]

    it = subcase_in(case, "it")
    for refused in (
        api.get(f"/api/v1/cases/{case['id']}/attachments/{pdf_id}", as_="rolf"),
        api.get(f"/api/v1/cases/{case['id']}/attachments/{pdf_id}", as_="paula"),
        api.get(f"/api/v1/work-items/{it['id']}/attachments/{pdf_id}", as_="ivan"),
        api.get(f"/api/v1/work-items/{payroll['id']}/attachments/{pdf_id}", as_="ivan"),
        api.get(f"/api/v1/cases/{case['id']}/attachments/{uuid.uuid4()}", as_="rita"),
    ):
        response = await refused
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"

    async def downloads_logged() -> bool:
        params = {"case_id": case["id"]}
        lines = (await api.get("/api/v1/access-log", as_="alma", params=params)).json()
        logged = {(r["actor"], r["action"]) for r in lines}
        return logged >= {("paula", "work_item.attachment_read"), ("rita", "case.attachment_read")}

    await wait_for(downloads_logged, what="both downloads in the access log")


async def test_a_file_too_large_of_the_wrong_type_or_refused_by_the_scan_leaves_nothing(
    api: Api, system_config: SystemConfig
) -> None:
    case = await routed_hiring(api)
    before = await stored_objects(system_config.nats_url)
    cases = [
        ([("big.pdf", PDF + bytes(MAX_BYTES), "application/pdf")], 413),
        ([("program.pdf", b"MZ\x90\x00" + bytes(100), "application/pdf")], 415),
        ([("kontrakt.png", PDF, "image/png")], 415),  # a PDF by its bytes, named a PNG
        ([("ok.pdf", PDF, "application/pdf"), ("virus.txt", EICAR, "text/plain")], 422),
        ([("a.pdf", PDF, "application/pdf")] * 6, 422),  # more than five files
    ]
    for files, status in cases:
        response = await write(api, case["id"], files, text="Se vedhæftet", to_unit="payroll")
        assert response.status_code == status, (files[0][0], response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"]

    unknown_unit = await write(
        api, case["id"], [("ok.pdf", PDF, "application/pdf")], text="Hej", to_unit="nobody"
    )
    assert unknown_unit.status_code == 422

    assert (await reporter_case(api, case["id"]))["messages"] == []
    assert await stored_objects(system_config.nats_url) == before

    json_still_works = await api.post(
        f"/api/v1/cases/{case['id']}/messages",
        as_="rita",
        json={"text": "Uden filer", "to_unit": "payroll"},
    )
    assert json_still_works.status_code == 201, json_still_works.text
    assert json_still_works.json()["attachments"] == []


async def test_erasing_the_case_deletes_its_files_from_the_store(
    api: Api, system: EmbeddedSystem, system_config: SystemConfig
) -> None:
    case = await routed_hiring(api)
    note = await write(
        api,
        case["id"],
        [("kontrakt.pdf", PDF, "application/pdf")],
        text="Kontrakten",
        to_unit="payroll",
    )
    assert note.status_code == 201, note.text
    attachment_id = note.json()["attachments"][0]["id"]
    assert await stored_objects(system_config.nats_url) > 0

    nc = await nats.connect(system_config.nats_url)
    try:
        event = CaseErased(case_id=case["id"], erased_at=datetime.now(UTC))
        await Publisher(nc.jetstream(), source="lifecase/intake").publish(
            event, id=str(uuid.uuid4()), subject=case["id"]
        )
    finally:
        await nc.close()

    async def erased() -> bool:
        return await stored_objects(system_config.nats_url) == 0

    await wait_for(erased, what="the case's files to be deleted from the store")
    async with system.intake.app.state.sessions() as session:
        assert await session.get(MessageAttachment, attachment_id) is None
    gone = await api.get(f"/api/v1/cases/{case['id']}/attachments/{attachment_id}", as_="rita")
    assert gone.status_code == 404
