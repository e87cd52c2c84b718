"""The whole system in one process: the five services, the dev identity provider and the
gateway that puts them behind one base URL. Used by ``lifecase run`` and by the tests."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from lifecase_embedded import devidp
from lifecase_embedded import mailbox as mailbox_page
from lifecase_embedded.gateway import Gateway
from lifecase_embedded.mailbox import Mailbox
from lifecase_insight import bootstrap as insight
from lifecase_insight.settings import InsightSettings
from lifecase_intake import bootstrap as intake
from lifecase_intake.settings import IntakeSettings
from lifecase_lifecycle import bootstrap as lifecycle
from lifecase_lifecycle.settings import LifecycleSettings
from lifecase_notifications import bootstrap as notifications
from lifecase_notifications.settings import NotificationsSettings
from lifecase_platform.auth import DevTokens
from lifecase_platform.openapi import merged_openapi
from lifecase_platform.settings import PlatformSettings
from lifecase_routing import bootstrap as routing
from lifecase_routing.settings import RoutingSettings

log = logging.getLogger(__name__)

SERVICES = ("intake", "lifecycle", "routing", "notifications", "insight")
# Which service owns which path (and everything below it): the embedded gateway routes by
# this table, and infra/Caddyfile and infra/kubernetes/40-ingress.yaml follow it.
ROUTES = {
    "/api/v1/cases": "intake",
    "/api/v1/event-types": "intake",
    "/api/v1/access-log": "intake",
    "/portal": "intake",
    "/admin": "lifecycle",
    "/admin/routing": "routing",
    "/api/v1/templates": "lifecycle",
    "/api/v1/operations": "lifecycle",
    "/api/v1/queues": "routing",
    "/api/v1/work-items": "routing",
    "/api/v1/units": "routing",
    "/api/v1/routing": "routing",
    "/api/v1/users": "routing",
    "/api/v1/triage": "routing",
    "/workspace": "routing",
    "/api/v1/notifications": "notifications",
    "/notifications": "notifications",
    "/api/v1/webhooks": "notifications",
    "/admin/webhooks": "notifications",
    "/api/v1/insight": "insight",
    "/insight": "insight",
}


@dataclass
class SystemConfig:
    nats_url: str
    temporal_address: str
    database_urls: dict[str, str]
    dev_token_secret: str
    task_queue: str = "lifecase-lifecycle"
    extra: dict[str, Any] = field(default_factory=dict)
    # Settings only the notifications service has (SMTP, public URL), by field name.
    notifications: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        common = {
            "environment": "dev",
            "nats_url": self.nats_url,
            "temporal_address": self.temporal_address,
            "auth_mode": "dev",
            "dev_token_secret": self.dev_token_secret,
            **self.extra,
        }
        base = PlatformSettings(**common).model_dump()
        return {
            "intake": IntakeSettings(
                **base, LIFECASE_INTAKE_DATABASE_URL=self.database_urls["intake"]
            ),
            "lifecycle": LifecycleSettings(
                **base,
                LIFECASE_LIFECYCLE_DATABASE_URL=self.database_urls["lifecycle"],
                LIFECASE_LIFECYCLE_TASK_QUEUE=self.task_queue,
            ),
            "routing": RoutingSettings(
                **base, LIFECASE_ROUTING_DATABASE_URL=self.database_urls["routing"]
            ),
            "notifications": NotificationsSettings(
                **base,
                **self.notifications,
                LIFECASE_NOTIFICATIONS_DATABASE_URL=self.database_urls["notifications"],
            ),
            "insight": InsightSettings(
                **base, LIFECASE_INSIGHT_DATABASE_URL=self.database_urls["insight"]
            ),
        }


class EmbeddedSystem:
    def __init__(self, config: SystemConfig, *, mailbox: Mailbox | None = None) -> None:
        settings = config.settings()
        self.config = config
        self.tokens = DevTokens(config.dev_token_secret)
        self.users = devidp.load_users()
        self.intake = intake.build(
            settings["intake"],
            dev_users=list(self.users.values()),
            # The portal's calls to lifecycle and routing go through the gateway in-process:
            # no network hop, and the same on whatever port the system listens.
            services_transport=httpx.ASGITransport(app=self._gateway),
        )
        self.lifecycle = lifecycle.build(
            settings["lifecycle"],
            dev_users=list(self.users.values()),
            services_transport=httpx.ASGITransport(app=self._gateway),
        )
        self.routing = routing.build(settings["routing"], dev_users=list(self.users.values()))
        self.notifications = notifications.build(
            settings["notifications"], dev_users=list(self.users.values())
        )
        # A unit lead's units are asked of routing through the gateway, in-process.
        self.insight = insight.build(
            settings["insight"],
            services_transport=httpx.ASGITransport(app=self._gateway),
            dev_users=list(self.users.values()),
        )
        self._devidp = devidp.create_app(self.tokens, self.users)
        self.app = Gateway(
            routes=[
                ("/api/v1/dev", self._devidp),
                *([(mailbox_page.PATH, mailbox.app)] if mailbox else []),
                ("/", self.intake.app),  # exactly "/": the portal's front door
                # One registry per process: any service's app serves every service's metrics.
                ("/metrics", self.intake.app),
                *((prefix, self.services[owner].app) for prefix, owner in ROUTES.items()),
            ],
            ready=self.readiness,
            openapi=self.openapi,
        )

    @property
    def services(self) -> dict[str, Any]:
        return {
            "intake": self.intake,
            "lifecycle": self.lifecycle,
            "routing": self.routing,
            "notifications": self.notifications,
            "insight": self.insight,
        }

    async def _gateway(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        """Every HTTP API of the system in one OpenAPI document (served at /openapi.json)."""
        apps = [
            self.intake.app,
            self.lifecycle.app,
            self.routing.app,
            self.notifications.app,
            self.insight.app,
        ]
        return merged_openapi([*apps, self._devidp], public_paths=["/api/v1/dev/"])

    async def readiness(self) -> dict[str, dict[str, str]]:
        """Every service's dependency checks (see ``lifecase_platform.health``)."""
        names = list(self.services)
        checks = await asyncio.gather(*(self.services[n].runtime.readiness.check() for n in names))
        return dict(zip(names, checks, strict=True))

    async def migrate(self) -> None:
        for service in self.services.values():
            await asyncio.to_thread(service.migrate)

    async def start(self, *, seed: bool = True) -> None:
        """Migrate, start every service, and (idempotently) seed the demo organisation, the
        demo users' names and addresses, and the template catalogue."""
        await self.migrate()
        for service in self.services.values():
            await service.start()
        if seed:
            await self.routing.seed()
            await self.routing.seed_people(list(self.users.values()))
            await self.notifications.seed_recipients(list(self.users.values()))
            published = await self.lifecycle.seed()
            log.info("seeded", extra={"templates": published})

    async def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            await service.stop()

    def token(self, username: str) -> str:
        return self.tokens.issue(self.users[username])
