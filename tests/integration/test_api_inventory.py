"""The base URL serves one OpenAPI document for every service's API, with its security
scheme, and a rendered reference of it."""

from __future__ import annotations

import pytest

from tests.support import Api

pytestmark = pytest.mark.integration


async def test_the_merged_openapi_document_lists_every_api_with_its_security(api: Api) -> None:
    document = (await api.get("/openapi.json", as_=None)).json()
    paths = document["paths"]
    for owned_by_each_service in (
        "/api/v1/cases",
        "/api/v1/templates/{key}/preview",
        "/api/v1/queues/{queue}/items",
        "/api/v1/notifications",
        "/api/v1/webhooks/{subscription_id}/deliveries",
        "/api/v1/notifications/preferences",
        "/api/v1/insight/automation",
    ):
        assert owned_by_each_service in paths
    # A message takes JSON, or a form with files (ADR 0029); files come back as downloads.
    write = paths["/api/v1/cases/{case_id}/messages"]["post"]["requestBody"]["content"]
    assert set(write) == {"application/json", "multipart/form-data"}
    for download in (
        "/api/v1/cases/{case_id}/attachments/{attachment_id}",
        "/api/v1/work-items/{item_id}/attachments/{attachment_id}",
    ):
        assert "application/pdf" in paths[download]["get"]["responses"]["200"]["content"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{"bearer": []}]
    assert paths["/api/v1/dev/token"]["post"]["security"] == []
    secured = [op for ops in paths.values() for op in ops.values() if op.get("security", [1]) != []]
    assert len(secured) > 40
    assert not any(
        p.startswith(("/portal", "/workspace", "/notifications", "/healthz", "/metrics"))
        for p in paths
    )
    stream = paths["/api/v1/notifications/stream"]["get"]["responses"]["200"]
    assert list(stream["content"]) == ["text/event-stream"]
    # Each insight dataset is JSON, or its rows as CSV.
    depth = paths["/api/v1/insight/queue-depth"]["get"]["responses"]["200"]["content"]
    assert set(depth) == {"application/json", "text/csv"}


async def test_the_api_reference_page_renders_from_vendored_files(api: Api) -> None:
    page = await api.get("/docs", as_=None)
    assert page.status_code == 200
    assert '<redoc spec-url="/openapi.json">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = await api.get("/docs/redoc.standalone.js", as_=None)
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
