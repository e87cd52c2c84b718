"""Test-wide setup: every span goes to an in-memory exporter so tests can assert traces."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lifecase_platform.telemetry import configure_tracing

SPANS = InMemorySpanExporter()
configure_tracing("none", service_name="lifecase-tests", span_exporter=SPANS)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    SPANS.clear()
    return SPANS
