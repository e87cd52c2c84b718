"""One base URL for every service in the embedded mode: requests go to the service that owns
the path. In production a reverse proxy or ingress does the same with separate processes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lifecase_platform.health import down
from lifecase_platform.openapi import DOCS_CSP, DOCS_PAGE, REDOC
from lifecase_platform.problems import problem_response

# Engines every service uses: named once, not once per service.
SHARED = frozenset({"nats", "temporal"})


class Gateway:
    def __init__(
        self,
        routes: list[tuple[str, ASGIApp]],
        ready: Callable[[], Awaitable[dict[str, dict[str, str]]]],
        openapi: Callable[[], dict[str, Any]],
    ):
        self.routes = sorted(routes, key=lambda r: len(r[0]), reverse=True)
        self.ready = ready
        self.openapi = cache(openapi)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _accept_lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if path == "/livez":
            await JSONResponse({"status": "ok"})(scope, receive, send)
            return
        if path in ("/healthz", "/readyz"):
            await (await self._readiness())(scope, receive, send)
            return
        inventory = self._inventory(path)
        if inventory is not None and scope["type"] == "http":
            await inventory(scope, receive, send)
            return
        for prefix, app in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                await app(scope, receive, send)
                return
        if scope["type"] == "http":
            await problem_response(Request(scope), 404)(scope, receive, send)

    async def _readiness(self) -> Response:
        """200 when every service is ready; 503 naming what is down (``nats``, ``temporal``,
        ``intake.database``, ...): a dependency down for all services is named once."""
        services = await self.ready()
        named = sorted(
            {
                name if name in SHARED else f"{service}.{name}"
                for service, checks in services.items()
                for name in down(checks)
            }
        )
        body = {"ready": not named, "down": named, "services": services}
        return JSONResponse(body, status_code=503 if named else 200)

    def _inventory(self, path: str) -> Response | None:
        """The merged OpenAPI document and its rendered reference, at the base URL."""
        if path == "/openapi.json":
            return JSONResponse(self.openapi())
        if path == "/docs":
            return HTMLResponse(DOCS_PAGE, headers={"Content-Security-Policy": DOCS_CSP})
        if path == "/docs/redoc.standalone.js":
            return FileResponse(REDOC, media_type="text/javascript")
        return None


async def _accept_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
