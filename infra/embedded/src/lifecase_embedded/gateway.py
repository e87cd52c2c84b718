"""One base URL for every service in the embedded mode: requests go to the service that owns
the path. In production a reverse proxy or ingress does the same with separate processes."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from lifecase_platform.problems import problem_response


class Gateway:
    def __init__(self, routes: list[tuple[str, ASGIApp]], ready: Callable[[], dict[str, bool]]):
        self.routes = sorted(routes, key=lambda r: len(r[0]), reverse=True)
        self.ready = ready

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _accept_lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if path in ("/healthz", "/readyz"):
            states = self.ready()
            ok = bool(states) and all(states.values())
            await JSONResponse({"ready": ok, "services": states}, status_code=200 if ok else 503)(
                scope, receive, send
            )
            return
        for prefix, app in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                await app(scope, receive, send)
                return
        if scope["type"] == "http":
            await problem_response(Request(scope), 404)(scope, receive, send)


async def _accept_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
