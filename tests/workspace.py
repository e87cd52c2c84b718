"""Helpers for the caseworker-workspace tests: the payroll item of a hiring case, admin
requests, and events published the way the lifecycle service publishes them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import nats

from lifecase_contracts.events import (
    EventData,
    Localized,
    SubcaseCancelled,
    SubcaseDueDateChanged,
    SubcaseOpened,
)
from lifecase_platform.messaging import Publisher
from tests.support import Api, submit_hiring, wait_for, wait_until_routed

LIFECYCLE = "lifecase/lifecycle"


async def routed_hiring(api: Api, **overrides: Any) -> dict[str, Any]:
    """A hiring case filed by rita, once all five sub-cases are routed."""
    return await wait_until_routed(api, (await submit_hiring(api, **overrides))["id"])


def subcase_in(case: dict[str, Any], queue: str) -> dict[str, Any]:
    return next(s for s in case["subcases"] if s["queue"] == queue)


async def item(api: Api, item_id: str, as_: str = "paula") -> dict[str, Any]:
    response = await api.get(f"/api/v1/work-items/{item_id}", as_=as_)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def act(
    api: Api, item_id: str, action: str, as_: str = "paula", **body: Any
) -> httpx.Response:
    return await api.post(f"/api/v1/work-items/{item_id}/{action}", as_=as_, json=body or None)


async def put(api: Api, path: str, *, as_: str, json: Any) -> httpx.Response:
    return await api.client.put(path, headers=api.headers(as_), json=json)


async def delete(api: Api, path: str, *, as_: str) -> httpx.Response:
    return await api.client.delete(path, headers=api.headers(as_))


async def reporter_case(api: Api, case_id: str, as_: str = "rita") -> dict[str, Any]:
    return dict((await api.get(f"/api/v1/cases/{case_id}", as_=as_)).json())


async def wait_for_item(
    api: Api, item_id: str, predicate: Any, *, as_: str = "paula", what: str
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        response = await api.get(f"/api/v1/work-items/{item_id}", as_=as_)
        body = response.json() if response.status_code == 200 else None
        return body if body is not None and predicate(body) else None

    return await wait_for(probe, what=what)


class Lifecycle:
    """Publishes events as the lifecycle service does: to JetStream, with stable ids."""

    def __init__(self, nats_url: str) -> None:
        self.nats_url = nats_url

    async def publish(self, event: EventData, *, id: str | None = None) -> None:
        nc = await nats.connect(self.nats_url)
        try:
            await Publisher(nc.jetstream(), source=LIFECYCLE).publish(
                event, id=id or str(uuid.uuid4()), subject=getattr(event, "case_id", None)
            )
        finally:
            await nc.close()

    async def open(
        self,
        *,
        subcase_type: str,
        due_date: date | None = None,
        fields: dict[str, Any] | None = None,
        title: str = "Lønoprettelse",
        department: str | None = "Børne- og Ungeforvaltningen",
        unit_hint: str | None = None,
        case_number: str | None = None,
        reporter_name: str | None = None,
    ) -> str:
        """Open a sub-case of a case filed elsewhere; returns the sub-case id."""
        case_id, subcase_id = str(uuid.uuid4()), str(uuid.uuid4())
        await self.publish(
            SubcaseOpened(
                case_id=case_id,
                subcase_id=subcase_id,
                activity="payroll_setup",
                subcase_type=subcase_type,
                title=Localized(da=title, en=title),
                unit_hint=unit_hint,
                fields=fields or {},
                due_date=due_date,
                reporter="rita",
                department=department,
                case_number=case_number,
                reporter_name=reporter_name,
            )
        )
        return subcase_id

    async def cancel(self, sub: dict[str, Any], case_id: str, reason: str) -> None:
        await self.publish(
            SubcaseCancelled(
                case_id=case_id,
                subcase_id=sub["id"],
                activity=sub["activity"],
                title=Localized.model_validate(sub["title"]),
                reason=reason,
                reporter="rita",
            )
        )

    async def move_due_date(self, sub: dict[str, Any], case_id: str, due_date: date) -> None:
        await self.publish(
            SubcaseDueDateChanged(
                case_id=case_id,
                subcase_id=sub["id"],
                activity=sub["activity"],
                due_date=due_date,
                reason="rescheduled",
                reporter="rita",
            )
        )
