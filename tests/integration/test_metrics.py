"""Metrics for operators (ADR 0031): after a case flows, ``/metrics`` counts it, and the
scrape names no person."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from lifecase_embedded.system import EmbeddedSystem
from lifecase_platform import metrics
from tests.support import Api, hiring_data, submit_hiring, wait_for, wait_until_routed

pytestmark = pytest.mark.integration

Samples = dict[str, list[tuple[Mapping[str, str], float]]]


def parse(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        value
        for found, value in samples.get(name, [])
        if all(found.get(k) == v for k, v in labels.items())
    )


async def test_metrics_count_a_case_from_filing_to_routing_and_name_no_person(
    api: Api, system: EmbeddedSystem
) -> None:
    before = parse(metrics.exposition().decode())
    submitted = await submit_hiring(api)
    case = await wait_until_routed(api, submitted["id"])

    response = await api.get("/metrics", as_=None)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    after = parse(text)

    def grew(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert total(after, "lifecase_cases_filed_total", event_type="hiring") >= 1
    assert grew("lifecase_cases_filed_total", event_type="hiring") >= 1
    assert grew("lifecase_subcases_opened_total") >= len(case["subcases"])
    assert grew("lifecase_subcases_routed_total") >= len(case["subcases"])
    for queue in {s["queue"] for s in case["subcases"]}:
        assert grew("lifecase_subcases_routed_total", queue=queue) >= 1
        assert total(after, "lifecase_queue_depth", queue=queue, status="queued") >= 1
        assert grew("lifecase_time_to_route_seconds_count", queue=queue) >= 1
    assert grew("lifecase_events_handled_total", service="routing") >= len(case["subcases"])
    consumers = {labels["consumer"] for labels, _ in after["lifecase_consumer_lag"]}
    assert {"intake", "lifecycle", "routing", "notifications"} <= consumers
    services = {labels["service"] for labels, _ in after["lifecase_outbox_backlog"]}
    assert {"intake", "lifecycle", "routing"} <= services
    assert total(after, "lifecase_activity_duration_seconds_count", activity="start_case") >= 1

    data = hiring_data()
    for personal in (data["cpr"], data["employee_name"], "Mette", "rita", submitted["id"]):
        assert personal not in text, f"personal data in the scrape: {personal!r}"


WORKFLOW_TASK_LATENCIES = (
    "lifecase_temporal_workflow_task_schedule_to_start_latency_seconds_count",
    "lifecase_temporal_workflow_task_execution_latency_seconds_count",
)
TEMPORAL_LABELS = {"task_queue", "workflow_type", "activity_type"}


async def test_the_sdks_workflow_task_latency_reaches_the_scrape_on_the_drain_timer(
    api: Api, system: EmbeddedSystem
) -> None:
    task_queue = system.services["lifecycle"].settings.task_queue
    submitted = await submit_hiring(api)
    await wait_until_routed(api, submitted["id"])

    async def drained() -> Samples | None:
        # The registry as it stands: only the lifecycle's drain timer fills these series.
        samples = parse(metrics.exposition().decode())
        grown = all(
            total(samples, name, task_queue=task_queue) >= 1 for name in WORKFLOW_TASK_LATENCIES
        )
        return samples if grown else None

    samples = await wait_for(
        drained,
        timeout=metrics.TEMPORAL_DRAIN_SECONDS * 3,
        interval=0.2,
        what="the Temporal SDK's workflow-task latency in the registry",
    )
    assert (
        total(
            samples,
            "lifecase_temporal_workflow_task_execution_latency_seconds_count",
            task_queue=task_queue,
            workflow_type="CaseWorkflow",
        )
        >= 1
    )
    assert (
        total(
            samples,
            "lifecase_temporal_activity_schedule_to_start_latency_seconds_count",
            task_queue=task_queue,
        )
        >= 1
    )
    for name, series in samples.items():
        if name.startswith("lifecase_temporal_"):
            for labels, _ in series:
                assert set(labels) - {"le"} <= TEMPORAL_LABELS, (name, labels)


async def test_every_service_app_serves_metrics_outside_the_api_description(
    system: EmbeddedSystem,
) -> None:
    for name, service in system.services.items():
        transport = httpx.ASGITransport(app=service.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            response = await client.get("/metrics")
        assert response.status_code == 200, name
        assert "lifecase_consumer_lag" in response.text, name
        assert "/metrics" not in service.app.openapi()["paths"], name
