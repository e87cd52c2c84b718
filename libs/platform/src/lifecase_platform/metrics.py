"""Metrics for operators (ADR 0031, names in docs/metrics.md): one OpenTelemetry meter
provider per process, read by Prometheus at ``/metrics`` of every service app.

Counters and histograms are module-level instruments: the hot path does one ``add()`` or
``record()``. Gauges whose value needs a query (queue depth, consumer lag, outbox backlog)
are ``CachedGauge``s: a scrape re-reads a source at most every ``REFRESH_SECONDS``, so a
scrape never costs a query per queue. Labels carry only event types, queues, rules,
services, consumers and outcomes: never personal data.

The Temporal SDK's own metrics (workflow-task latency) come from a ``MetricBuffer`` on the
process's one Temporal runtime (``temporal_runtime``), drained into this registry on a timer
(``drain_temporal_every``) and before each scrape."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import Response
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import Histogram, MeterProvider
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.runtime import (
    MetricBuffer,
    MetricBufferDurationFormat,
    TelemetryConfig,
)
from temporalio.runtime import Runtime as TemporalRuntime
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from lifecase_contracts.events import Localized
from lifecase_platform.problems import ProblemError

log = logging.getLogger(__name__)

REFRESH_SECONDS = 15.0
READ_TIMEOUT_SECONDS = 5.0
# Seconds: from a second (routing on a quiet system) to a day (a consumer that was down).
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400)
# Seconds: a workflow task takes milliseconds; seconds mean a worker short of slots or down.
TASK_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
TEMPORAL_DRAIN_SECONDS = 5.0
# Updates the SDK may buffer between drains (a few per workflow task); past it the SDK drops
# updates and logs an error.
TEMPORAL_BUFFER_SIZE = 20_000

REGISTRY = CollectorRegistry(auto_describe=True)
_provider = MeterProvider(
    metric_readers=[
        PrometheusMetricReader(
            disable_target_info=True, scope_info_enabled=False, registry=REGISTRY
        )
    ],
    views=[
        View(
            instrument_name="lifecase_*_seconds",
            meter_name="lifecase",
            aggregation=ExplicitBucketHistogramAggregation(DURATION_BUCKETS),
        ),
        View(
            instrument_type=Histogram,
            meter_name="lifecase.temporal",
            aggregation=ExplicitBucketHistogramAggregation(TASK_LATENCY_BUCKETS),
        ),
    ],
)
_meter = _provider.get_meter("lifecase")
_temporal_meter = _provider.get_meter("lifecase.temporal")

CASES_FILED = _meter.create_counter(
    "lifecase_cases_filed", description="Cases filed, by event type."
)
SUBCASES_OPENED = _meter.create_counter(
    "lifecase_subcases_opened", description="Sub-cases opened by the case workflows."
)
SUBCASES_ROUTED = _meter.create_counter(
    "lifecase_subcases_routed", description="Sub-cases routed to a queue, by queue and rule."
)
SUBCASES_RESOLVED = _meter.create_counter(
    "lifecase_subcases_resolved", description="Sub-cases resolved, by queue and robot (yes/no)."
)
SLA_BREACHES = _meter.create_counter(
    "lifecase_sla_breaches", description="Work items found past their SLA due date, by queue."
)
DEAD_LETTERS = _meter.create_counter(
    "lifecase_dead_letters", description="Events dead-lettered, by service and event type."
)
EVENTS_HANDLED = _meter.create_counter(
    "lifecase_events_handled",
    description="Events a consumer handled and acked, by service and event type.",
)
TIME_TO_ROUTE = _meter.create_histogram(
    "lifecase_time_to_route_seconds",
    unit="s",
    description="From a sub-case's opening (its event's time) to its routing.",
)
ACTIVITY_SCHEDULE_TO_START = _meter.create_histogram(
    "lifecase_activity_schedule_to_start_seconds",
    unit="s",
    description="Temporal activity tasks: from scheduled to started, by activity.",
)
ACTIVITY_DURATION = _meter.create_histogram(
    "lifecase_activity_duration_seconds",
    unit="s",
    description="Temporal activity attempts: how long each ran, by activity and outcome.",
)

TEMPORAL_WORKFLOW_TASK_SCHEDULE_TO_START = _temporal_meter.create_histogram(
    "lifecase_temporal_workflow_task_schedule_to_start_latency_seconds",
    unit="s",
    description="Temporal SDK: workflow tasks from scheduled to picked up by a worker.",
)
TEMPORAL_WORKFLOW_TASK_EXECUTION = _temporal_meter.create_histogram(
    "lifecase_temporal_workflow_task_execution_latency_seconds",
    unit="s",
    description="Temporal SDK: how long the worker ran each workflow task.",
)
TEMPORAL_ACTIVITY_SCHEDULE_TO_START = _temporal_meter.create_histogram(
    "lifecase_temporal_activity_schedule_to_start_latency_seconds",
    unit="s",
    description="Temporal SDK: activity tasks from scheduled to picked up by a worker.",
)
TEMPORAL_WORKFLOWS_COMPLETED = _temporal_meter.create_counter(
    "lifecase_temporal_workflow_completed",
    description="Temporal SDK: workflow executions completed, by workflow type.",
)

Attributes = Mapping[str, str]
Reading = list[tuple[Attributes, float]]
Reader = Callable[[], Awaitable[Reading]]


class _Source:
    def __init__(self, read: Reader) -> None:
        self.read = read
        self.values: Reading = []
        self.read_at = float("-inf")
        self.lock = asyncio.Lock()

    async def refresh(self, max_age: float) -> None:
        async with self.lock:
            if time.monotonic() - self.read_at < max_age:
                return  # a scrape side by side read it already
            try:
                self.values = await asyncio.wait_for(self.read(), READ_TIMEOUT_SECONDS)
            except Exception as error:  # an engine that is down: keep the last values
                log.warning("metric source failed", extra={"error": type(error).__name__})
            self.read_at = time.monotonic()


class CachedGauge:
    """An observable gauge whose values come from async readers (one per service, consumer,
    ...), read again at most every ``REFRESH_SECONDS`` by ``refresh`` before a scrape."""

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.sources: dict[str, _Source] = {}
        _meter.create_observable_gauge(name, callbacks=[self._observe], description=description)

    def watch(self, key: str, read: Reader) -> Callable[[], None]:
        """Observe what ``read`` returns under ``key`` (replacing an earlier reader of that
        key); the returned function stops it (a stopping service calls it)."""
        source = self.sources[key] = _Source(read)

        def unwatch() -> None:
            if self.sources.get(key) is source:
                del self.sources[key]

        return unwatch

    def _observe(self, _options: CallbackOptions) -> Iterable[Observation]:
        for source in list(self.sources.values()):
            for attributes, value in source.values:
                yield Observation(value, dict(attributes))


QUEUE_DEPTH = CachedGauge(
    "lifecase_queue_depth", "Work items in each queue, by queue and status (open, claimed, ...)."
)
CONSUMER_LAG = CachedGauge(
    "lifecase_consumer_lag", "Events not yet delivered to a durable consumer (num_pending)."
)
OUTBOX_BACKLOG = CachedGauge(
    "lifecase_outbox_backlog", "Events staged in a service's outbox and not yet published."
)
GAUGES = (QUEUE_DEPTH, CONSUMER_LAG, OUTBOX_BACKLOG)


async def refresh(max_age: float = REFRESH_SECONDS) -> None:
    """Re-read every gauge source older than ``max_age`` seconds, side by side, and forward
    the Temporal SDK's buffered metrics."""
    drain_temporal()
    sources = [source for gauge in GAUGES for source in list(gauge.sources.values())]
    await asyncio.gather(*(source.refresh(max_age) for source in sources))


def exposition() -> bytes:
    """Every metric of this process in the Prometheus text format."""
    return generate_latest(REGISTRY)


class _Instrument(Protocol):
    def add(self, amount: float, attributes: Attributes | None = None) -> None: ...


_HELD = "lifecase_metrics_at_commit"


def add_at_commit(
    session: AsyncSession, counter: _Instrument, attributes: Attributes, amount: float = 1
) -> None:
    """Count on ``counter`` once the session's transaction commits (nothing if it rolls
    back): a batch that fails and is redone event by event counts each event once."""
    held: list[tuple[_Instrument, float, Attributes]] | None = session.info.get(_HELD)
    if held is None:
        held = session.info[_HELD] = []
        sync = session.sync_session
        event.listen(sync, "after_commit", _count_held, once=True)
        if not event.contains(sync, "after_rollback", _drop_held):
            event.listen(sync, "after_rollback", _drop_held)
    held.append((counter, amount, attributes))


def record_at_commit(
    session: AsyncSession, histogram: Any, value: float, attributes: Attributes
) -> None:
    """Record ``value`` on ``histogram`` once the session's transaction commits."""
    add_at_commit(session, _Recorder(histogram), attributes, value)


@dataclass(frozen=True, slots=True)
class _Recorder:
    histogram: Any

    def add(self, amount: float, attributes: Attributes | None = None) -> None:
        self.histogram.record(amount, attributes)


def _count_held(session: Session) -> None:
    for counter, amount, attributes in session.info.pop(_HELD, ()):
        counter.add(amount, attributes)


def _drop_held(session: Session) -> None:
    session.info.pop(_HELD, None)


@dataclass(frozen=True)
class MetricsAccess:
    """Who may read ``/metrics``: anyone that reaches the port (the default: scrape it on an
    internal network), only requests with ``token`` as bearer token, or nobody (``enabled``
    false: no route at all)."""

    enabled: bool = True
    token: str | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> MetricsAccess:
        token = settings.metrics_token
        return cls(
            enabled=settings.metrics_enabled,
            token=token.get_secret_value() if token is not None else None,
        )


def metrics_router(access: MetricsAccess) -> APIRouter:
    router = APIRouter()
    if not access.enabled:
        return router

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """Prometheus scrape: the process's metrics in the text exposition format."""
        if access.token is not None:
            _require_token(request, access.token)
        await refresh()
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


def _require_token(request: Request, expected: str) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise ProblemError(
            401,
            Localized(
                da="Metrikker kræver det rigtige bearer-token.",
                en="Metrics require the right bearer token.",
            ),
            type="urn:lifecase:problem:unauthenticated",
            headers={"WWW-Authenticate": 'Bearer realm="lifecase-metrics"'},
        )


# The SDK's name -> our instrument; the SDK's other metrics are dropped.
_TEMPORAL_FORWARDED: dict[str, Any] = {
    "temporal_workflow_task_schedule_to_start_latency": TEMPORAL_WORKFLOW_TASK_SCHEDULE_TO_START,
    "temporal_workflow_task_execution_latency": TEMPORAL_WORKFLOW_TASK_EXECUTION,
    "temporal_activity_schedule_to_start_latency": TEMPORAL_ACTIVITY_SCHEDULE_TO_START,
    "temporal_workflow_completed": TEMPORAL_WORKFLOWS_COMPLETED,
}
# Bounded labels only: the SDK's others (namespace, worker and service names) add nothing.
_TEMPORAL_LABELS = ("task_queue", "workflow_type", "activity_type")


class _TemporalMetrics:
    """The process's one Temporal runtime (one SDK thread pool), made on first use, whose
    metrics go into a bounded buffer that ``drain`` forwards to our instruments."""

    def __init__(self) -> None:
        self.buffer: MetricBuffer | None = None
        self.runtime: TemporalRuntime | None = None

    def get_runtime(self) -> TemporalRuntime:
        if self.runtime is None:
            self.buffer = MetricBuffer(TEMPORAL_BUFFER_SIZE, MetricBufferDurationFormat.SECONDS)
            self.runtime = TemporalRuntime(telemetry=TelemetryConfig(metrics=self.buffer))
        return self.runtime

    def drain(self) -> None:
        if self.buffer is None:
            return
        for update in self.buffer.retrieve_updates():
            instrument = _TEMPORAL_FORWARDED.get(update.metric.name)
            if instrument is None:
                continue
            found = update.attributes
            labels = {key: str(found[key]) for key in _TEMPORAL_LABELS if key in found}
            if isinstance(instrument, Histogram):
                instrument.record(update.value, labels)
            else:
                instrument.add(update.value, labels)


_temporal = _TemporalMetrics()


def temporal_runtime() -> TemporalRuntime:
    """The Temporal runtime every client of this process connects with
    (``Client.connect(..., runtime=temporal_runtime())``): the SDK's metrics go into a buffer
    that ``drain_temporal_every`` and each scrape forward to this registry."""
    return _temporal.get_runtime()


def drain_temporal() -> None:
    """Forward the Temporal SDK's buffered metric updates (nothing before a runtime exists)."""
    _temporal.drain()


async def drain_temporal_every(seconds: float = TEMPORAL_DRAIN_SECONDS) -> None:
    """Drain the Temporal SDK's metric buffer every ``seconds``, so it never fills between
    scrapes (a background loop of the service that connects to Temporal)."""
    while True:
        drain_temporal()
        await asyncio.sleep(seconds)


class ActivityMetrics(Interceptor):
    """A Temporal worker interceptor timing activity tasks: how long each waited in the task
    queue (schedule to start: a worker short of slots or down shows here) and how long each
    attempt ran, by activity and outcome. Lifecase's own histograms, in the one registry,
    rather than the SDK's Prometheus server on a port of its own (ADR 0031)."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityTimer(next)


class _ActivityTimer(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        waited = (info.started_time - info.current_attempt_scheduled_time).total_seconds()
        ACTIVITY_SCHEDULE_TO_START.record(max(waited, 0.0), {"activity": info.activity_type})
        started, outcome = time.perf_counter(), "failed"
        try:
            result = await super().execute_activity(input)
            outcome = "completed"
            return result
        finally:
            ACTIVITY_DURATION.record(
                time.perf_counter() - started, {"activity": info.activity_type, "outcome": outcome}
            )
