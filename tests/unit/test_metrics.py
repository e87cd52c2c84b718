"""The metric names the dashboard and the docs use are the ones the code defines, and
``/metrics`` obeys its access setting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.metrics import Counter, Histogram

from lifecase_platform import metrics
from lifecase_platform.problems import install_problem_handlers

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "infra" / "grafana" / "lifecase-dashboard.json"
DOCS = ROOT / "docs" / "metrics.md"
NAME = re.compile(r"\blifecase_[a-z_]+")
HISTOGRAM_SERIES = ("_bucket", "_count", "_sum")


def defined() -> dict[str, str]:
    """Exported name -> kind, for every instrument of ``lifecase_platform.metrics``."""
    names: dict[str, str] = {}
    for value in vars(metrics).values():
        if isinstance(value, Counter):
            names[value.name + "_total"] = "counter"
        elif isinstance(value, Histogram):
            names[value.name] = "histogram"
    for gauge in metrics.GAUGES:
        names[gauge.name] = "gauge"
    return names


def exprs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [e for v in node.values() for e in exprs(v)]
    if isinstance(node, list):
        return [e for v in node for e in exprs(v)]
    return []


def base(name: str) -> str:
    for suffix in HISTOGRAM_SERIES:
        if name.endswith(suffix) and name.removesuffix(suffix) in defined():
            return name.removesuffix(suffix)
    return name


def test_every_metric_the_dashboard_queries_is_defined_and_every_one_is_shown() -> None:
    queries = exprs(json.loads(DASHBOARD.read_text(encoding="utf-8")))
    used = {base(name) for query in queries for name in NAME.findall(query)}
    assert used <= set(defined()), f"unknown metrics on the dashboard: {used - set(defined())}"
    assert set(defined()) <= used, f"metrics not on the dashboard: {set(defined()) - used}"


def test_every_defined_metric_is_documented() -> None:
    documented = set(NAME.findall(DOCS.read_text(encoding="utf-8")))
    assert set(defined()) <= documented, set(defined()) - documented


def serving(access: metrics.MetricsAccess) -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(metrics.metrics_router(access))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


async def test_metrics_are_open_by_default() -> None:
    async with serving(metrics.MetricsAccess()) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")


async def test_a_metrics_token_is_required_once_set() -> None:
    async with serving(metrics.MetricsAccess(token="s3cret-scrape-token")) as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get(
            "/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}
        )
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert right.status_code == 200


async def test_metrics_switched_off_are_not_served() -> None:
    async with serving(metrics.MetricsAccess(enabled=False)) as client:
        assert (await client.get("/metrics")).status_code == 404
