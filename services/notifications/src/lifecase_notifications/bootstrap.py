"""Composition root of the notifications service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from lifecase_notifications.admin_ui import PREFIX as WEBHOOKS_ADMIN
from lifecase_notifications.admin_ui import create_webhooks_admin
from lifecase_notifications.email.bootstrap import seed_recipients, start_email
from lifecase_notifications.email.views import router as email_router
from lifecase_notifications.handlers import NotificationHandlers
from lifecase_notifications.inbox_ui import PREFIX as INBOX
from lifecase_notifications.inbox_ui import create_inbox
from lifecase_notifications.live import InboxHub
from lifecase_notifications.preferences_ui import create_preferences_ui, mount_preferences_ui
from lifecase_notifications.settings import NotificationsSettings
from lifecase_notifications.views import router
from lifecase_notifications.webhooks.views import router as webhooks_router
from lifecase_notifications.webhooks.worker import start_webhooks
from lifecase_platform import db, messaging
from lifecase_platform.auth import Principal, build_verifier
from lifecase_platform.metrics import MetricsAccess
from lifecase_platform.ratelimit import RateLimits
from lifecase_platform.runtime import Runtime, open_connections
from lifecase_platform.web import create_service_app
from lifecase_platform.webui.signin import sign_in_method

NAME = "notifications"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class NotificationsService:
    settings: NotificationsSettings
    app: FastAPI
    runtime: Runtime
    webhooks_admin: FastAPI | None = None
    inbox: FastAPI | None = None
    preferences: FastAPI | None = None

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
        if self.preferences is not None:
            self.preferences.state.sessions = sessions
        start_email(rt, sessions, s)  # before the consumer: its notifications queue mails
        hub = InboxHub(sessions)
        for app in (self.app, self.inbox):
            if app is not None:
                app.state.sessions, app.state.inbox_hub = sessions, hub
        rt.spawn("inbox-streams", hub.run)
        consumer = messaging.BatchConsumer(
            js,
            durable=NAME,
            inbox=messaging.Inbox(sessions=sessions, consumer=NAME),
            handlers=NotificationHandlers().registry(),
            ack_wait=s.consumer_ack_wait_seconds,
            max_deliver=s.consumer_max_deliver,
            linger=s.consumer_linger_seconds,
        )
        rt.spawn("consumer", consumer.run)
        if self.webhooks_admin is not None:
            self.webhooks_admin.state.sessions = sessions
        start_webhooks(rt, js, sessions, s)
        rt.ready = True

    async def seed_recipients(self, users: Sequence[Principal]) -> int:
        """E-mail recipients for the demo users with an address (idempotent)."""
        return await seed_recipients(self.app.state.sessions, users)

    async def stop(self) -> None:
        await self.runtime.aclose()


def build(
    settings: NotificationsSettings, *, dev_users: Sequence[Principal] = ()
) -> NotificationsService:
    runtime = Runtime(NAME)
    app = create_service_app(
        title="lifecase notifications",
        description="Notifications for reporters.",
        runtime=runtime,
        verifier=build_verifier(settings),
        routers=[email_router, router, webhooks_router],
        max_body_bytes=settings.max_body_bytes,
        metrics=MetricsAccess.from_settings(settings),
        rate_limits=RateLimits(settings),
    )
    webhooks_admin = create_webhooks_admin(
        verifier=app.state.verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
    )
    webhooks_admin.state.rate_limits = app.state.rate_limits
    app.mount(WEBHOOKS_ADMIN, webhooks_admin)
    inbox = create_inbox(
        verifier=app.state.verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
    )
    inbox.state.rate_limits = app.state.rate_limits
    preferences = create_preferences_ui(
        verifier=app.state.verifier,
        sign_in=sign_in_method(settings, dev_users=dev_users),
        secure_cookies=settings.environment == "production",
    )
    preferences.state.rate_limits = app.state.rate_limits
    mount_preferences_ui(app, preferences)
    # Mounted last: another package's page below /notifications (the e-mail preferences at
    # /notifications/preferences) must be mounted before it to be reached.
    app.mount(INBOX, inbox)
    return NotificationsService(
        settings=settings,
        app=app,
        runtime=runtime,
        webhooks_admin=webhooks_admin,
        inbox=inbox,
        preferences=preferences,
    )
