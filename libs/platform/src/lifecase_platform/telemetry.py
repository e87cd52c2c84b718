"""OpenTelemetry setup and W3C trace-context propagation across HTTP, the outbox, NATS
headers and Temporal. Span attributes never carry personal data: only ids and event types."""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)

_configured = False


def configure_tracing(
    exporter: str,
    *,
    service_name: str = "lifecase",
    otlp_endpoint: str | None = None,
    span_exporter: SpanExporter | None = None,
) -> None:
    """Install a tracer provider once per process. ``span_exporter`` is for tests."""
    global _configured
    if _configured or (exporter == "none" and span_exporter is None):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if span_exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    elif exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    trace.set_tracer_provider(provider)
    _configured = True


URL_ATTRIBUTES = ("http.url", "http.target", "url.full")


def drop_query_string(span: trace.Span, scope: Mapping[str, object]) -> None:
    """A server request hook: query strings never reach a span, since a search for a name or
    a CPR number would otherwise travel to the trace backend in ``http.url``. It runs after
    the instrumentation has set its attributes."""
    if not span.is_recording() or not scope.get("query_string"):
        return
    attributes = getattr(span, "attributes", None) or {}
    for key in URL_ATTRIBUTES:
        value = attributes.get(key)
        if isinstance(value, str) and "?" in value:
            span.set_attribute(key, value.split("?", 1)[0] + "?redacted")
    if attributes.get("url.query"):
        span.set_attribute("url.query", "redacted")


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def current_trace_headers() -> dict[str, str]:
    """The current trace context as ``traceparent``/``tracestate`` headers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: Mapping[str, str] | None) -> Context:
    return propagate.extract(dict(headers or {}))
