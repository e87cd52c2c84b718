"""What queueing a mail needs to know of the deployment, carried by the service's sessions.

``service.notify`` runs inside whoever records the notification (an event handler's batch,
mostly) and gets only their session; the sessions of a service with e-mail on carry an
``EmailConfig`` in their ``info`` (``configure``), so ``queue_for`` knows whether to queue
and where the links point. Sessions without one queue nothing: e-mail is off."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_platform.db import SessionFactory

CONFIG_KEY = "lifecase.email"
PREFERENCES_PATH = "/notifications/preferences"


@dataclass(frozen=True)
class EmailConfig:
    public_url: str  # the base URL people reach lifecase at (``LIFECASE_PUBLIC_URL``)

    def link(self, path: str) -> str:
        return f"{self.public_url.rstrip('/')}/{path.lstrip('/')}"

    @property
    def preferences_link(self) -> str:
        return self.link(PREFERENCES_PATH)


def configure(sessions: SessionFactory, config: EmailConfig) -> None:
    """Turn e-mail on for every session ``sessions`` makes from now on."""
    sessions.configure(info={**sessions.kw.get("info", {}), CONFIG_KEY: config})


def config_of(session: AsyncSession) -> EmailConfig | None:
    found = session.info.get(CONFIG_KEY)
    return found if isinstance(found, EmailConfig) else None
