"""Personal data stays where it belongs: a case is filed, routed, searched for by name and by
CPR number (API and workspace page), opened and worked; then no CPR number or name is found in
the logs, the spans, the URLs the spans record, the event subjects, or the case's workflow
history. (lifecase exports no metrics yet; when it does, they belong in this test.)"""

from __future__ import annotations

import logging
import uuid

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lifecase_contracts.events import STREAM_NAME
from lifecase_embedded.system import EmbeddedSystem, SystemConfig
from lifecase_lifecycle.workflows.types import workflow_id
from tests.support import Api
from tests.workspace import act, routed_hiring, subcase_in

pytestmark = pytest.mark.integration


async def _subjects(nats_url: str) -> list[str]:
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
        subscription = await js.pull_subscribe("lifecase.>", stream=STREAM_NAME, config=config)
        subjects, pending = [], (await js.stream_info(STREAM_NAME)).state.messages > 0
        while pending:
            for msg in await subscription.fetch(200, timeout=5):
                subjects.append(msg.subject)
                pending = msg.metadata.num_pending > 0
        return subjects
    finally:
        await connection.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # nothing here is per database
async def test_no_cpr_or_name_in_logs_spans_urls_subjects_or_workflow_history(
    api: Api,
    system: EmbeddedSystem,
    system_config: SystemConfig,
    spans: InMemorySpanExporter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # what production logs
    name, cpr = f"Ingrid Hemmelig{uuid.uuid4().hex[:6]}", "1204871234"
    case = await routed_hiring(api, employee_name=name, cpr=cpr)
    payroll = subcase_in(case, "payroll")
    for text in (name, cpr):
        found = await api.post(
            "/api/v1/queues/payroll/items/search", as_="paula", json={"text": text}
        )
        assert [i["id"] for i in found.json()["items"]] == [payroll["id"]], found.text
    item = await api.get(f"/api/v1/work-items/{payroll['id']}", as_="paula")
    assert item.json()["fields"]["employee_name"] == name  # the data is there for its users
    assert (await act(api, payroll["id"], "claim")).status_code == 200
    assert (await act(api, payroll["id"], "resolve", resolution="Oprettet")).status_code == 200

    needles = (name, cpr, cpr[:6] + "-" + cpr[6:])
    for span in spans.get_finished_spans():
        text = f"{span.name} {dict(span.attributes or {})} {[e.attributes for e in span.events]}"
        assert not any(n in text for n in needles), f"personal data in span {span.name}"
    assert caplog.records, "the test must see the services' logs to judge them"
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert not any(n in text for n in needles), f"personal data in log {record.msg!r}"
    subjects = await _subjects(system_config.nats_url)
    assert "lifecase.case.submitted" in subjects
    assert not any(n in s for s in subjects for n in needles)
    assert system.lifecycle.temporal is not None
    handle = system.lifecycle.temporal.get_workflow_handle(workflow_id(case["id"]))
    history = (await handle.fetch_history()).to_json()
    assert case["id"] in history
    assert not any(n in history for n in needles), "personal data in the workflow history"
