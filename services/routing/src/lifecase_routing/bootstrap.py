"""Composition root of the routing service."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import func, select

from lifecase_platform import db, messaging, metrics
from lifecase_platform.attachments import AttachmentStore
from lifecase_platform.auth import Principal, build_verifier
from lifecase_platform.db import SessionFactory
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.web import create_service_app
from lifecase_platform.webui.signin import sign_in_method
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing import admin_views, emit, organisation, people, sla, states
from lifecase_routing.admin_ui import PREFIX as ADMIN
from lifecase_routing.admin_ui import create_routing_admin
from lifecase_routing.handlers import RoutingHandlers
from lifecase_routing.models import Queue, WorkItem
from lifecase_routing.models import outbox as outbox_table
from lifecase_routing.settings import RoutingSettings
from lifecase_routing.triage import service as triage
from lifecase_routing.triage import views as triage_views
from lifecase_routing.views import router
from lifecase_routing.workspace_ui import PREFIX as WORKSPACE
from lifecase_routing.workspace_ui import create_workspace

NAME = "routing"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class RoutingService:
    settings: RoutingSettings
    app: FastAPI
    runtime: Runtime
    outbox: Outbox
    workspace: FastAPI
    admin: FastAPI
    consumer: messaging.BatchConsumer | None = None

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
        for app in (self.app, self.workspace, self.admin):
            app.state.sessions = sessions
            app.state.outbox = self.outbox
            app.state.attachments = store
        self.app.state.js, self.app.state.settings = js, s  # for token revocations
        self.admin.state.settings = s  # the triage page trains with the configured threshold
        # Before the consumer starts: a general request routed from the first event on finds
        # a model (on a new installation, the seed set's, trained in a worker thread).
        await triage.ensure_first_version(
            sessions=sessions, outbox=self.outbox, threshold=s.triage_threshold
        )
        publisher = messaging.Publisher(js, source=emit.SOURCE)
        handlers = RoutingHandlers(self.outbox)
        self.consumer = messaging.BatchConsumer(
            js,
            durable=NAME,
            inbox=handlers.inbox(sessions),
            handlers=handlers.registry(),
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
        )
        rt.spawn(
            "outbox-relay", lambda: self.outbox.relay(sessions, publisher, s.outbox_poll_seconds)
        )
        rt.spawn("consumer", self.consumer.run)
        rt.spawn("sla-check", lambda: self.check_slas(sessions, s.sla_check_seconds))
        unwatch = metrics.QUEUE_DEPTH.watch(NAME, lambda: queue_depth(sessions))

        async def stop_watching() -> None:
            unwatch()

        rt.closers.append(("queue-depth-metric", stop_watching))
        rt.ready = True

    async def check_slas(self, sessions: SessionFactory, interval: float) -> None:
        """Report breached SLAs and those due soon every ``interval`` seconds. Replicas may
        overlap: each report has one event id, so JetStream keeps one."""
        while True:
            async with sessions() as session, session.begin():
                today = today_in_denmark()
                breached = await sla.report_breaches(
                    session=session, outbox=self.outbox, today=today
                )
                soon = await sla.report_due_soon(session=session, outbox=self.outbox, today=today)
            if max(breached, soon) < sla.BREACH_BATCH:
                await asyncio.sleep(interval)

    async def seed(self) -> bool:
        async with self.app.state.sessions() as session, session.begin():
            return await organisation.seed_organisation(
                session=session, organisation=organisation.load_organisation()
            )

    async def seed_people(self, users: Sequence[Principal]) -> None:
        """Remember the names of people known up front (the demo's users), so that queues and
        items show them by name before they first sign in. Idempotent."""
        async with self.app.state.sessions() as session, session.begin():
            for user in users:
                await people.remember(session, username=user.username, name=user.name)

    async def stop(self) -> None:
        await self.runtime.aclose()


async def queue_depth(sessions: SessionFactory) -> metrics.Reading:
    """Open work items per queue and status, every queue and open status named (0 too), for
    the ``lifecase_queue_depth`` gauge: two grouped reads on indexed columns."""
    async with sessions() as session:
        queues = (await session.scalars(select(Queue.key))).all()
        counts = await session.execute(
            select(WorkItem.queue, WorkItem.status, func.count())
            .where(WorkItem.is_open)
            .group_by(WorkItem.queue, WorkItem.status)
        )
    found = {(queue, status): float(count) for queue, status, count in counts}
    return [
        ({"queue": queue, "status": status}, found.get((queue, status), 0.0))
        for queue in queues
        for status in states.OPEN
    ]


def build(settings: RoutingSettings, *, dev_users: Sequence[Principal] = ()) -> RoutingService:
    """The routing service: its API at ``/api/v1``, the caseworker workspace at
    ``/workspace``. ``dev_users`` are the demo users the workspace offers in dev mode."""
    runtime = Runtime(NAME)
    verifier = build_verifier(settings)
    app = create_service_app(
        title="lifecase routing",
        description="Units, queues, routing rules, work items and SLA clocks.",
        runtime=runtime,
        verifier=verifier,
        routers=[router, admin_views.router, triage_views.router],
        max_body_bytes=settings.max_body_bytes,
        metrics=metrics.MetricsAccess.from_settings(settings),
        rate_limits=RateLimits(settings),
    )
    workspace = create_workspace(
        verifier=verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
    )
    workspace.state.rate_limits = app.state.rate_limits
    app.mount(WORKSPACE, workspace)
    admin = create_routing_admin(
        verifier=verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
    )
    admin.state.rate_limits = app.state.rate_limits
    app.mount(ADMIN, admin)
    return RoutingService(
        settings=settings,
        app=app,
        runtime=runtime,
        outbox=Outbox(outbox_table),
        workspace=workspace,
        admin=admin,
    )
