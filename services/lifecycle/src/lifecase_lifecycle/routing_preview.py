"""Where sub-cases would go, asked of routing over HTTP with the designer's token, as the
reporter portal asks it: a test run's sub-cases (routing's own preview: the active rules and
the SLA clock), and for bundles, where each sub-case type goes and which units and queues
routing knows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import ValidationError

from lifecase_contracts.preview import (
    ActivityPreview,
    DirectoryPublic,
    RoutingPreviewItem,
    RoutingPreviewRequest,
    RoutingPreviewResult,
)

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0


@dataclass
class RoutingPreview:
    """``transport`` lets the embedded system answer in-process, without a network hop."""

    routing_url: str
    transport: httpx.AsyncBaseTransport | None = None

    async def destinations(
        self, *, token: str, activities: list[ActivityPreview], data: dict[str, Any]
    ) -> dict[str, RoutingPreviewResult] | None:
        """Activity key -> where the rules would send it; None when routing cannot be asked
        (the test run still shows the plan)."""
        included = [a for a in activities if a.included]
        if not included:
            return {}
        department = data.get("department")
        body = RoutingPreviewRequest.of(
            included, data, department if isinstance(department, str) else None
        )
        routes = await self._routes(token, body)
        if routes is None:
            return None
        return {a.key: route for a, route in zip(included, routes, strict=True)}

    async def by_type(
        self, *, token: str, types: list[tuple[str, str | None]]
    ) -> dict[str, RoutingPreviewResult] | None:
        """Sub-case type -> where the active rules send it (``types``: each type with its
        unit hint; no fields, no department); None when routing cannot be asked."""
        if not types:
            return {}
        body = RoutingPreviewRequest(
            items=[RoutingPreviewItem(subcase_type=t, unit_hint=hint) for t, hint in types[:100]]
        )
        routes = await self._routes(token, body)
        if routes is None:
            return None
        return {t: route for (t, _), route in zip(types, routes, strict=False)}

    async def directory(self, *, token: str) -> DirectoryPublic | None:
        """The units and queues routing knows; None when it cannot be asked."""
        try:
            async with self._client(token) as client:
                response = await client.get(f"{self.routing_url}/api/v1/routing/directory")
                response.raise_for_status()
                return DirectoryPublic.model_validate(response.json())
        except (httpx.HTTPError, ValidationError, ValueError) as error:
            log.warning("routing directory unavailable", extra={"error": type(error).__name__})
            return None

    async def _routes(
        self, token: str, body: RoutingPreviewRequest
    ) -> list[RoutingPreviewResult] | None:
        try:
            async with self._client(token) as client:
                response = await client.post(
                    f"{self.routing_url}/api/v1/routing/preview", json=body.model_dump(mode="json")
                )
                response.raise_for_status()
                return [RoutingPreviewResult.model_validate(r) for r in response.json()]
        except (httpx.HTTPError, ValidationError, ValueError) as error:
            log.warning("routing preview unavailable", extra={"error": type(error).__name__})
            return None

    def _client(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.transport,
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT_SECONDS,
        )
