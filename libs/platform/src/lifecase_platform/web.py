"""The shape every service's FastAPI app shares: problems, body limit, auth, health, tracing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, FastAPI, Path
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from lifecase_platform.auth import TokenVerifier
from lifecase_platform.health import down
from lifecase_platform.metrics import MetricsAccess, metrics_router
from lifecase_platform.problems import BodySizeLimit, JsonBodyCheck, install_problem_handlers
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime
from lifecase_platform.telemetry import drop_query_string

# Versions count from 1 and are stored as 32-bit integers: a larger number is a 422, never an
# overflow in the database.
VersionNumber = Annotated[int, Path(ge=1, le=2_147_483_647, description="A version number.")]


def create_service_app(
    *,
    title: str,
    description: str,
    runtime: Runtime,
    verifier: TokenVerifier,
    routers: list[APIRouter],
    max_body_bytes: int,
    rate_limits: RateLimits | None = None,
    larger_bodies: Sequence[tuple[str, int]] = (),
    metrics: MetricsAccess = MetricsAccess(),
) -> FastAPI:
    app = FastAPI(title=title, description=description, version="0.1.0")
    app.state.verifier = verifier
    app.state.rate_limits = rate_limits
    app.state.runtime = runtime
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(health_router(runtime))
    app.include_router(metrics_router(metrics))
    app.add_middleware(JsonBodyCheck)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes, larger=larger_bodies)
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz,livez,metrics", server_request_hook=drop_query_string
    )
    return app


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/livez", include_in_schema=False)
    async def livez() -> dict[str, str]:
        """Liveness: 200 while the process runs; it reconnects to its engines by itself, so a
        dependency that is down is no reason to restart it."""
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    @router.get("/healthz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Readiness: 200 when every dependency answers, 503 naming those that do not."""
        checks = await runtime.readiness.check()
        missing = down(checks)
        return JSONResponse(
            {"ready": not missing, "down": missing, "checks": checks},
            status_code=503 if missing else 200,
        )

    return router
