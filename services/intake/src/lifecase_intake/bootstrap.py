"""Composition root of the intake service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from lifecase_intake import service
from lifecase_intake.conversation import views as conversation_views
from lifecase_intake.models import outbox as outbox_table
from lifecase_intake.projection import IntakeProjection
from lifecase_intake.settings import IntakeSettings
from lifecase_intake.views import router
from lifecase_platform import db, messaging
from lifecase_platform.auth import build_verifier
from lifecase_platform.outbox import Outbox
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.web import create_service_app

NAME = "intake"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class IntakeService:
    settings: IntakeSettings
    app: FastAPI
    runtime: Runtime
    outbox: Outbox

    def migrate(self) -> None:
        db.migrate(self.settings.database_url, MIGRATIONS)

    async def start(self) -> None:
        s, rt = self.settings, self.runtime
        sessions, js = await open_connections(rt, database_url=s.database_url, nats_url=s.nats_url)
        self.app.state.sessions = sessions
        self.app.state.outbox = self.outbox
        publisher = messaging.Publisher(js, source=service.SOURCE)
        consumer = messaging.Consumer(
            js,
            durable=NAME,
            handlers=IntakeProjection(sessions).registry(),
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
        )
        rt.spawn(
            "outbox-relay", lambda: self.outbox.relay(sessions, publisher, s.outbox_poll_seconds)
        )
        rt.spawn("consumer", consumer.run)
        rt.ready = True

    async def stop(self) -> None:
        await self.runtime.aclose()


def build(settings: IntakeSettings) -> IntakeService:
    runtime = Runtime(NAME)
    app = create_service_app(
        title="lifecase intake",
        description="Reporters file and follow combined cases.",
        runtime=runtime,
        verifier=build_verifier(settings),
        routers=[router, conversation_views.router],
        max_body_bytes=settings.max_body_bytes,
    )
    return IntakeService(settings=settings, app=app, runtime=runtime, outbox=Outbox(outbox_table))
