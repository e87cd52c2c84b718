"""Composition root of the intake service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from lifecase_intake import service
from lifecase_intake.access_log import views as access_log_views
from lifecase_intake.access_log.store import AccessLogProjection
from lifecase_intake.conversation import views as conversation_views
from lifecase_intake.conversation.erasure import AttachmentErasure
from lifecase_intake.conversation.service import AttachmentRules
from lifecase_intake.models import outbox as outbox_table
from lifecase_intake.portal import PREFIX as PORTAL
from lifecase_intake.portal import create_portal
from lifecase_intake.portal.preview import HttpCasePlanner
from lifecase_intake.portal.triage import HttpTriage
from lifecase_intake.projection import IntakeProjection
from lifecase_intake.retention import RetentionJob
from lifecase_intake.settings import IntakeSettings
from lifecase_intake.views import router
from lifecase_platform import db, messaging
from lifecase_platform.attachments import AttachmentStore, scanner_from
from lifecase_platform.auth import Principal, build_verifier
from lifecase_platform.metrics import MetricsAccess
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.web import create_service_app
from lifecase_platform.webui.signin import sign_in_method

NAME = "intake"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class IntakeService:
    settings: IntakeSettings
    app: FastAPI
    runtime: Runtime
    outbox: Outbox
    portal: FastAPI

    def migrate(self) -> None:
        db.migrate(self.settings.database_url, MIGRATIONS)

    async def start(self) -> None:
        s, rt = self.settings, self.runtime
        sessions, js = await open_connections(
            rt,
            database_url=s.database_url,
            settings=s,
            verifier=self.app.state.verifier,
        )
        store = await AttachmentStore.open(js, replicas=s.nats_stream_replicas)
        rules = AttachmentRules(
            max_bytes=s.attachment_max_bytes,
            max_files=s.attachment_max_files,
            scanner=scanner_from(
                s.attachment_scan_command, timeout=s.attachment_scan_timeout_seconds
            ),
        )
        for app in (self.app, self.portal):
            app.state.sessions = sessions
            app.state.outbox = self.outbox
            app.state.attachments = store
            app.state.attachment_rules = rules
        publisher = messaging.Publisher(js, source=service.SOURCE)
        consumer = messaging.BatchConsumer(
            js,
            durable=NAME,
            # Every projection is idempotent on its natural keys: no processed-event records.
            inbox=messaging.Inbox(sessions=sessions, consumer=NAME),
            handlers={
                **IntakeProjection().registry(),
                **AccessLogProjection().registry(),
                **AttachmentErasure(store).registry(),
            },
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
        )
        rt.spawn(
            "outbox-relay", lambda: self.outbox.relay(sessions, publisher, s.outbox_poll_seconds)
        )
        rt.spawn("consumer", consumer.run)
        retention = RetentionJob(sessions=sessions, outbox=self.outbox, js=js, settings=s)
        rt.spawn("retention", retention.run_forever)
        rt.ready = True

    async def stop(self) -> None:
        await self.runtime.aclose()


def build(
    settings: IntakeSettings,
    *,
    dev_users: Sequence[Principal] = (),
    services_transport: httpx.AsyncBaseTransport | None = None,
) -> IntakeService:
    """The intake service: its API at ``/api/v1``, the reporter portal at ``/portal`` (and
    ``/``). ``dev_users`` are the demo users the portal offers in dev mode;
    ``services_transport`` carries the portal's calls to lifecycle and routing (previews,
    suggested life events) (default: the
    network, at ``settings.lifecycle_url`` and ``settings.routing_url``)."""
    runtime = Runtime(NAME)
    verifier = build_verifier(settings)
    app = create_service_app(
        title="lifecase intake",
        description="Reporters file and follow combined cases.",
        runtime=runtime,
        verifier=verifier,
        routers=[router, conversation_views.router, access_log_views.router],
        max_body_bytes=settings.max_body_bytes,
        metrics=MetricsAccess.from_settings(settings),
        rate_limits=RateLimits(settings),
        # A message may carry files (ADR 0029): only its two routes take the larger body.
        larger_bodies=[
            (r"/api/v1/cases/[^/]+/messages", settings.message_body_bytes),
            (rf"{PORTAL}/cases/[^/]+/messages", settings.message_body_bytes),
        ],
    )
    portal = create_portal(
        verifier=verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
        planner=HttpCasePlanner(
            lifecycle_url=settings.lifecycle_url,
            routing_url=settings.routing_url,
            transport=services_transport,
        ),
        triage=HttpTriage(routing_url=settings.routing_url, transport=services_transport),
    )
    portal.state.rate_limits = app.state.rate_limits
    app.mount(PORTAL, portal)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PORTAL}/", status_code=302)

    return IntakeService(
        settings=settings, app=app, runtime=runtime, outbox=Outbox(outbox_table), portal=portal
    )
