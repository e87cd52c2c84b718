"""Composition root of the insight service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from lifecase_insight import projection
from lifecase_insight.access import LeadUnits
from lifecase_insight.dashboard_ui import PREFIX as DASHBOARD
from lifecase_insight.dashboard_ui import create_dashboard
from lifecase_insight.models import processed_events
from lifecase_insight.rebuild import Progress, rebuild
from lifecase_insight.settings import InsightSettings
from lifecase_insight.views import router
from lifecase_platform import db, messaging
from lifecase_platform.auth import Principal, build_verifier
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.web import create_service_app
from lifecase_platform.webui.signin import sign_in_method

NAME = projection.NAME
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class InsightService:
    settings: InsightSettings
    app: FastAPI
    runtime: Runtime
    dashboard: FastAPI

    def migrate(self) -> None:
        db.migrate(self.settings.database_url, MIGRATIONS)

    async def start(self) -> None:
        s, rt = self.settings, self.runtime
        sessions, js = await open_connections(
            rt, database_url=s.database_url, settings=s, verifier=self.app.state.verifier
        )
        self.app.state.sessions, self.app.state.js = sessions, js
        self.dashboard.state.sessions = sessions
        consumer = messaging.BatchConsumer(
            js,
            durable=NAME,
            inbox=messaging.Inbox(sessions=sessions, consumer=NAME, processed=processed_events),
            handlers=projection.registry(),
            prepare=projection.prepare,
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
            batch=200,
            linger=s.consumer_linger_seconds,
        )
        rt.spawn("consumer", consumer.run)
        rt.ready = True

    async def rebuild(self, progress: Progress | None = None) -> int:
        """Empty the projection and replay the stream into it (the service must be started)."""
        return await rebuild(self.app.state.sessions, self.app.state.js, progress=progress)

    async def stop(self) -> None:
        await self.runtime.aclose()


def build(
    settings: InsightSettings,
    *,
    services_transport: httpx.AsyncBaseTransport | None = None,
    dev_users: Sequence[Principal] = (),
) -> InsightService:
    """``services_transport`` carries the calls to routing (a unit lead's units; default:
    the network, at ``settings.routing_url``); ``dev_users`` are whom the dashboards' sign-in
    offers in dev mode."""
    runtime = Runtime(NAME)
    app = create_service_app(
        title="lifecase insight",
        description="Reporting datasets from the event stream.",
        runtime=runtime,
        verifier=build_verifier(settings),
        routers=[router],
        max_body_bytes=settings.max_body_bytes,
        rate_limits=RateLimits(settings),
    )
    app.state.settings = settings
    app.state.lead_units = LeadUnits(
        settings.routing_url, services_transport, ttl_seconds=settings.units_cache_seconds
    )
    dashboard = create_dashboard(
        verifier=app.state.verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
        state={"settings": settings, "lead_units": app.state.lead_units},
    )
    dashboard.state.rate_limits = app.state.rate_limits
    app.mount(DASHBOARD, dashboard)
    return InsightService(settings=settings, app=app, runtime=runtime, dashboard=dashboard)
