"""One trace covers a case from the HTTP submit, through the outbox, NATS and Temporal, to the
work items being routed."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.support import Api, submit_hiring, wait_until_routed

pytestmark = pytest.mark.integration


async def test_submit_to_routed_is_one_trace(api: Api, spans: InMemorySpanExporter) -> None:
    case = await submit_hiring(api)
    await wait_until_routed(api, case["id"])

    finished = spans.get_finished_spans()
    [submit] = [s for s in finished if s.name == "POST /api/v1/cases"]
    trace_id = submit.context.trace_id
    in_trace = [s.name for s in finished if s.context.trace_id == trace_id]

    assert "lifecase.case.submitted publish" in in_trace
    assert "lifecase.case.submitted process" in in_trace
    assert any(name.startswith("StartWorkflow:CaseWorkflow") for name in in_trace)
    # A new case is planned and its five sub-cases (all due at once) opened in one activity.
    assert sum(name.startswith("RunActivity:start_case") for name in in_trace) == 1
    assert not any(name.startswith("RunActivity:open_") for name in in_trace)
    assert in_trace.count("lifecase.subcase.opened process") >= 5
    assert in_trace.count("lifecase.subcase.routed publish") == 5


async def test_spans_carry_no_personal_data(api: Api, spans: InMemorySpanExporter) -> None:
    case = await submit_hiring(api)
    await wait_until_routed(api, case["id"])
    for text in ("0101901234", "Mette Hansen"):
        search = await api.post(
            "/api/v1/queues/payroll/items/search", as_="paula", json={"text": text}
        )
        assert search.status_code == 200
    for span in spans.get_finished_spans():
        text = f"{span.name} {dict(span.attributes or {})} {[e.attributes for e in span.events]}"
        assert "0101901234" not in text and "Mette Hansen" not in text, span.name
