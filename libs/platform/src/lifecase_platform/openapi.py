"""The API inventory: one OpenAPI document for every service's HTTP API, with the bearer
token scheme every operation uses, and a page that renders it (Redoc, vendored from npm)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

REDOC = Path(__file__).parent / "webui" / "static" / "vendor" / "redoc-3.0.1.standalone.js"
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": (
        "An access token from the municipality's OIDC provider (production) or from "
        "POST /api/v1/dev/token (the embedded dev mode). Tokens must carry exp, iat and sub."
    ),
}


class SchemaConflict(ValueError):
    """Two services publish different schemas under one name."""


def merged_openapi(
    apps: Sequence[FastAPI],
    *,
    public_paths: Sequence[str] = (),
    title: str = "lifecase API",
    version: str = "0.1.0",
) -> dict[str, Any]:
    """The services' OpenAPI documents as one: their paths and component schemas, every
    operation secured by a bearer token except those under ``public_paths``."""
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Life-cycle case management: reporters, caseworkers, process owners.",
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {"bearer": BEARER}},
        "security": [{"bearer": []}],
    }
    schemas: dict[str, Any] = document["components"]["schemas"]
    for app in apps:
        part = app.openapi()
        for path, operations in part.get("paths", {}).items():
            document["paths"].setdefault(path, {}).update(operations)
        for name, schema in part.get("components", {}).get("schemas", {}).items():
            if schemas.setdefault(name, schema) != schema:
                raise SchemaConflict(f"two services define the schema {name!r} differently")
    for path, operations in document["paths"].items():
        if any(path.startswith(p) for p in public_paths):
            for operation in operations.values():
                operation["security"] = []
    return document


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lifecase API reference · API-dokumentation</title>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script type="module" src="/docs/redoc.standalone.js"></script>
</body>
</html>
"""
# Redoc renders with inline styles and builds its search index in a blob worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; font-src 'self' data:; "
    "frame-ancestors 'none'"
)
