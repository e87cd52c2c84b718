"""Composition root of the notifications service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from lifecase_notifications.handlers import NotificationHandlers
from lifecase_notifications.settings import NotificationsSettings
from lifecase_notifications.views import router
from lifecase_platform import db, messaging
from lifecase_platform.auth import build_verifier
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.web import create_service_app

NAME = "notifications"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class NotificationsService:
    settings: NotificationsSettings
    app: FastAPI
    runtime: Runtime

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
        self.app.state.sessions = sessions
        consumer = messaging.BatchConsumer(
            js,
            durable=NAME,
            inbox=messaging.Inbox(sessions=sessions, consumer=NAME),
            handlers=NotificationHandlers().registry(),
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
        )
        rt.spawn("consumer", consumer.run)
        rt.ready = True

    async def stop(self) -> None:
        await self.runtime.aclose()


def build(settings: NotificationsSettings) -> NotificationsService:
    runtime = Runtime(NAME)
    app = create_service_app(
        title="lifecase notifications",
        description="Notifications for reporters.",
        runtime=runtime,
        verifier=build_verifier(settings),
        routers=[router],
        max_body_bytes=settings.max_body_bytes,
        rate_limits=RateLimits(settings),
    )
    return NotificationsService(settings=settings, app=app, runtime=runtime)
