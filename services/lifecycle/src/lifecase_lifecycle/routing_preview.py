"""Where a test run's sub-cases would go: routing's own preview (the active rules and the
SLA clock), asked over HTTP with the designer's token, as the reporter portal asks it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import ValidationError

from lifecase_contracts.preview import (
    ActivityPreview,
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
        try:
            async with httpx.AsyncClient(
                transport=self.transport,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_SECONDS,
            ) as client:
                response = await client.post(
                    f"{self.routing_url}/api/v1/routing/preview", json=body.model_dump(mode="json")
                )
                response.raise_for_status()
                routes = [RoutingPreviewResult.model_validate(r) for r in response.json()]
        except (httpx.HTTPError, ValidationError, ValueError) as error:
            log.warning("routing preview unavailable", extra={"error": type(error).__name__})
            return None
        return {a.key: route for a, route in zip(included, routes, strict=True)}
