"""The shape every service's FastAPI app shares: problems, body limit, auth, health, tracing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Path
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from lifecase_platform.auth import TokenVerifier
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
) -> FastAPI:
    app = FastAPI(title=title, description=description, version="0.1.0")
    app.state.verifier = verifier
    app.state.rate_limits = rate_limits
    app.state.runtime = runtime
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(health_router(runtime))
    app.add_middleware(JsonBodyCheck)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz", server_request_hook=drop_query_string
    )
    return app


def health_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        status = 200 if runtime.ready else 503
        return JSONResponse({"ready": runtime.ready}, status_code=status)

    return router
