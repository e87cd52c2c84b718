"""What a case will become, shown before it is submitted: which units receive which tasks,
from and by which dates, and which fields each sees. Lifecycle plans the tasks from the
template version the form was generated from; routing names where each goes. Both are asked
over HTTP with the reporter's own token, so the portal reads no other service's tables."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import httpx
from pydantic import ValidationError

from lifecase_contracts.events import Localized
from lifecase_contracts.preview import (
    ActivityPreview,
    DirectoryPublic,
    RoutingPreviewRequest,
    RoutingPreviewResult,
    TemplatePreview,
    TemplatePreviewRequest,
)
from lifecase_intake.transitions import CLOSED

TIMEOUT_SECONDS = 10.0
DIRECTORY_TTL = 60.0
log = logging.getLogger(__name__)


class PreviewUnavailable(Exception):
    """Lifecycle or routing could not answer; the reporter can still submit."""


@dataclass(frozen=True)
class PlannedTask:
    key: str
    title: Localized
    included: bool
    opens_on: date | None
    waits_for: list[Localized]
    due_date: date | None
    due_working_days: int | None
    fields: list[Localized]
    unit_name: Localized | None
    queue_name: Localized | None


class CasePlanner(Protocol):
    """Port: the plan of a case that is not filed yet, and the names of units and queues."""

    async def directory(self, *, token: str) -> DirectoryPublic:
        """Names by key; empty when routing cannot answer (pages then show keys)."""
        ...

    async def preview(
        self,
        *,
        token: str,
        event_type: str,
        version: int,
        data: dict[str, Any],
        department: str | None,
    ) -> list[PlannedTask]: ...


@dataclass
class HttpCasePlanner:
    """Asks lifecycle's and routing's preview endpoints; ``transport`` lets the embedded
    system answer in-process, without a network hop."""

    lifecycle_url: str
    routing_url: str
    transport: httpx.AsyncBaseTransport | None = None
    _directory: DirectoryPublic | None = field(default=None, init=False)
    _directory_at: float = field(default=0.0, init=False)

    async def directory(self, *, token: str) -> DirectoryPublic:
        # Names change rarely and a case page polls every few seconds: keep them a minute.
        if self._directory is not None and time.monotonic() - self._directory_at < DIRECTORY_TTL:
            return self._directory
        try:
            async with self._client(token) as client:
                response = await client.get(f"{self.routing_url}/api/v1/routing/directory")
                response.raise_for_status()
                self._directory = DirectoryPublic.model_validate(response.json())
        except (httpx.HTTPError, ValidationError):
            log.warning("unit names unavailable")
            return DirectoryPublic(units={}, queues={})
        self._directory_at = time.monotonic()
        return self._directory

    def _client(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.transport,
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT_SECONDS,
        )

    async def preview(
        self,
        *,
        token: str,
        event_type: str,
        version: int,
        data: dict[str, Any],
        department: str | None,
    ) -> list[PlannedTask]:
        try:
            async with self._client(token) as client:
                plan = await self._plan(client, event_type, version, data)
                included = [a for a in plan.activities if a.included]
                routes = await self._routes(client, included, data, department)
        except (httpx.HTTPError, ValidationError) as error:
            raise PreviewUnavailable() from error
        return tasks(plan, dict(zip([a.key for a in included], routes, strict=True)))

    async def _plan(
        self, client: httpx.AsyncClient, event_type: str, version: int, data: dict[str, Any]
    ) -> TemplatePreview:
        body = TemplatePreviewRequest(data=data, version=version)
        response = await client.post(
            f"{self.lifecycle_url}/api/v1/templates/{event_type}/preview",
            json=body.model_dump(mode="json"),
        )
        response.raise_for_status()
        return TemplatePreview.model_validate(response.json())

    async def _routes(
        self,
        client: httpx.AsyncClient,
        activities: list[ActivityPreview],
        data: dict[str, Any],
        department: str | None,
    ) -> list[RoutingPreviewResult]:
        body = RoutingPreviewRequest.of(activities, data, department)
        response = await client.post(
            f"{self.routing_url}/api/v1/routing/preview", json=body.model_dump(mode="json")
        )
        response.raise_for_status()
        return [RoutingPreviewResult.model_validate(r) for r in response.json()]


def tasks(plan: TemplatePreview, routes: dict[str, RoutingPreviewResult]) -> list[PlannedTask]:
    """The plan as the reporter reads it: titles instead of keys, the due date routing's SLA
    clock will set, and the unit's name."""
    titles = {a.key: a.title for a in plan.activities}
    result = []
    for activity in plan.activities:
        route = routes.get(activity.key)
        result.append(
            PlannedTask(
                key=activity.key,
                title=activity.title,
                included=activity.included,
                opens_on=activity.opens_on,
                waits_for=[titles.get(k, Localized(da=k, en=k)) for k in activity.waits_for],
                due_date=route.due_date if route and activity.opens_on else activity.due_date,
                due_working_days=activity.due_working_days,
                fields=[f.label for f in activity.fields],
                unit_name=route.unit_name if route else None,
                queue_name=route.queue_name if route else None,
            )
        )
    return result


@dataclass(frozen=True)
class Move:
    """How one task of a running case changes with new dates."""

    title: Localized
    opens_on: tuple[date | None, date | None] | None = None
    due_date: tuple[date | None, date | None] | None = None
    dropped: bool = False
    added: bool = False


def moves(
    before: list[PlannedTask], after: list[PlannedTask], statuses: dict[str, str]
) -> list[Move]:
    """What differs between the plans for the old and the new dates, for the tasks that can
    still change (``statuses``: the case's sub-case status per activity)."""
    result = []
    for old, new in zip(before, after, strict=True):
        status = statuses.get(old.key)
        if status in CLOSED:
            continue
        if old.included and not new.included:
            result.append(Move(title=old.title, dropped=True))
        elif new.included and not old.included:
            result.append(Move(title=new.title, added=True))
        elif new.included:
            opens = (old.opens_on, new.opens_on) if status == "scheduled" else None
            due = (old.due_date, new.due_date)
            move = Move(
                title=new.title,
                opens_on=opens if opens and opens[0] != opens[1] else None,
                due_date=due if due[0] != due[1] else None,
            )
            if move.opens_on or move.due_date:
                result.append(move)
    return result
