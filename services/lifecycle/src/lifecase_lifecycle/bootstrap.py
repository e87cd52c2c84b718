"""Composition root of the lifecycle service: wires settings to adapters; connects on start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.worker import Worker

from lifecase_contracts.statuses import TemplateAction
from lifecase_lifecycle import operations, publishing, service
from lifecase_lifecycle.activities import LifecycleActivities
from lifecase_lifecycle.admin_ui import PREFIX as ADMIN
from lifecase_lifecycle.admin_ui import create_admin
from lifecase_lifecycle.handlers import LifecycleHandlers
from lifecase_lifecycle.models import outbox as outbox_table
from lifecase_lifecycle.routing_preview import RoutingPreview
from lifecase_lifecycle.settings import LifecycleSettings
from lifecase_lifecycle.templates import load_catalogue
from lifecase_lifecycle.views import router
from lifecase_lifecycle.workflows import DATA_CONVERTER, workflow_runner
from lifecase_lifecycle.workflows.case import CaseWorkflow
from lifecase_platform import db, messaging
from lifecase_platform.auth import Principal, build_verifier
from lifecase_platform.health import temporal_probe
from lifecase_platform.metrics import (
    ActivityMetrics,
    MetricsAccess,
    drain_temporal_every,
    temporal_runtime,
)
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.transport import temporal_options
from lifecase_platform.web import create_service_app
from lifecase_platform.webui.signin import sign_in_method

NAME = "lifecycle"
MIGRATIONS = Path(__file__).parent / "migrations"
# On shutdown, running activities get this long to finish before the worker cancels them.
# Ours take milliseconds, so they finish. Without a grace period (the SDK's default is none)
# the SDK cancels them at once, and a cancel that crosses an activity's own completion can
# leave the SDK core waiting for that activity forever: the worker then never finishes
# stopping (seen in about one stop in eight with cases in flight).
WORKER_GRACEFUL_SHUTDOWN = timedelta(seconds=3)


@dataclass
class LifecycleService:
    settings: LifecycleSettings
    app: FastAPI
    runtime: Runtime
    outbox: Outbox
    admin: FastAPI
    temporal: Client | None = None

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
        self.app.state.sessions = self.admin.state.sessions = sessions
        self.admin.state.js = js
        self.admin.state.outbox = self.outbox
        self.app.state.outbox = self.outbox
        self.app.state.js = js
        publisher = messaging.Publisher(js, source=service.SOURCE)
        self.temporal = temporal = await Client.connect(
            s.temporal_address,
            namespace=s.temporal_namespace,
            data_converter=DATA_CONVERTER,
            interceptors=[TracingInterceptor()],
            runtime=temporal_runtime(),
            **temporal_options(s),
        )
        self.app.state.temporal = self.admin.state.temporal = temporal
        rt.readiness.add("temporal", temporal_probe(temporal))
        activities = LifecycleActivities(sessions=sessions, publisher=publisher)

        async def work() -> None:
            # A new worker on every (re)start: a worker whose polls failed for good (its
            # server was away too long) cannot be run a second time.
            worker = Worker(
                temporal,
                task_queue=s.task_queue,
                workflows=[CaseWorkflow],
                workflow_runner=workflow_runner(),
                activities=activities.all(),
                graceful_shutdown_timeout=WORKER_GRACEFUL_SHUTDOWN,
                interceptors=[ActivityMetrics()],
            )
            await worker.run()

        handlers = LifecycleHandlers(temporal=temporal, task_queue=s.task_queue, outbox=self.outbox)
        consumer = messaging.BatchConsumer(
            js,
            durable=NAME,
            # Every handler is idempotent on the case id: no processed-event records needed.
            inbox=messaging.Inbox(sessions=sessions, consumer=NAME),
            handlers=handlers.registry(),
            lane=handlers.case_of,
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
        )
        rt.spawn("temporal-worker", work)
        rt.spawn("temporal-metrics", drain_temporal_every)
        rt.spawn(
            "outbox-relay", lambda: self.outbox.relay(sessions, publisher, s.outbox_poll_seconds)
        )
        rt.spawn("consumer", consumer.run)
        rt.ready = True

    async def seed(self) -> list[tuple[str, int]]:
        """Bring in every catalogue template whose definition is new (``service.seed_template``).
        Returns the versions that were published or drafted."""
        seeded = []
        async with self.app.state.sessions() as session, session.begin():
            for template in load_catalogue():
                version = await service.seed_template(
                    session=session, outbox=self.outbox, template=template
                )
                if version is not None:
                    action: TemplateAction = "published" if version.published_at else "created"
                    publishing.record(
                        session, version=version, action=action, actor=publishing.SYSTEM
                    )
                    seeded.append((template.key, version.version))
        return seeded

    async def stop(self) -> None:
        await self.runtime.aclose()


def build(
    settings: LifecycleSettings,
    *,
    dev_users: Sequence[Principal] = (),
    services_transport: httpx.AsyncBaseTransport | None = None,
) -> LifecycleService:
    """The lifecycle service: its API at ``/api/v1``, the admin area at ``/admin``.
    ``dev_users`` are the demo users the admin area offers in dev mode;
    ``services_transport`` carries the test run's calls to routing (default: the network,
    at ``settings.routing_url``)."""
    runtime = Runtime(NAME)
    verifier = build_verifier(settings)
    app = create_service_app(
        title="lifecase lifecycle",
        description="Life-cycle templates and case workflows.",
        runtime=runtime,
        verifier=verifier,
        routers=[router, operations.router],
        max_body_bytes=settings.max_body_bytes,
        metrics=MetricsAccess.from_settings(settings),
        rate_limits=RateLimits(settings),
    )
    admin = create_admin(
        verifier=verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
    )
    admin.state.rate_limits = app.state.rate_limits
    app.state.routing_preview = admin.state.routing_preview = RoutingPreview(
        settings.routing_url, services_transport
    )
    app.mount(ADMIN, admin)
    return LifecycleService(
        settings=settings, app=app, runtime=runtime, outbox=Outbox(outbox_table), admin=admin
    )
