"""Who may read the numbers: administrators, process owners and auditors all of them; a
unit lead those of the units she leads, which routing knows (its ``GET /api/v1/units``,
asked with her own token and remembered briefly); anyone else nothing."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Annotated

import httpx
from fastapi import Depends, Request
from pydantic import TypeAdapter, ValidationError

from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import UnitPublic
from lifecase_platform.auth import CurrentUser, Principal, bearer_token
from lifecase_platform.errors import Forbidden, Unavailable

log = logging.getLogger(__name__)
EVERYTHING = frozenset({"admin", "process_owner", "auditor"})
LEAD = "unit_lead"
TIMEOUT_SECONDS = 5.0
_UNITS = TypeAdapter(list[UnitPublic])


class NotAReader(Forbidden):
    default = Localized(
        da="Kun administratorer, procesejere, revisorer og enhedsledere må se tallene.",
        en="Only administrators, process owners, auditors and unit leads may see the numbers.",
    )


class NotYourUnit(Forbidden):
    default = Localized(
        da="Du kan kun se tallene for de enheder, du leder.",
        en="You can only see the numbers of the units you lead.",
    )


class UnitsUnavailable(Unavailable):
    default = Localized(
        da="Enhederne kan ikke hentes lige nu. Prøv igen om lidt.",
        en="The units cannot be fetched right now. Try again shortly.",
    )


@dataclass(frozen=True)
class Scope:
    """The units a reader sees: ``None`` for all."""

    units: frozenset[str] | None

    def narrow(self, unit: str | None) -> frozenset[str] | None:
        """The units a dataset covers: the one asked for (if the reader sees it), else all
        the reader sees."""
        if unit is None:
            return self.units
        if self.units is not None and unit not in self.units:
            raise NotYourUnit()
        return frozenset({unit})


@dataclass
class LeadUnits:
    """Asks routing which units a lead leads; ``transport`` lets the embedded system answer
    in-process."""

    routing_url: str
    transport: httpx.AsyncBaseTransport | None = None
    ttl_seconds: float = 60.0
    _cache: dict[str, tuple[float, frozenset[str]]] = field(default_factory=dict)

    async def of(self, user: Principal, token: str) -> frozenset[str]:
        cached = self._cache.get(user.username)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        units = await self._ask(user, token)
        self._cache[user.username] = (time.monotonic() + self.ttl_seconds, units)
        return units

    async def _ask(self, user: Principal, token: str) -> frozenset[str]:
        try:
            async with httpx.AsyncClient(
                transport=self.transport,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT_SECONDS,
            ) as client:
                response = await client.get(f"{self.routing_url}/api/v1/units")
                response.raise_for_status()
                units = _UNITS.validate_python(response.json())
        except (httpx.HTTPError, ValidationError, ValueError) as error:
            log.warning("routing units unavailable", extra={"error": type(error).__name__})
            raise UnitsUnavailable() from error
        return frozenset(
            u.key
            for u in units
            if any(m.username == user.username and m.role == "lead" for m in u.members)
        )


def lead_units(request: Request) -> LeadUnits:
    found: LeadUnits = request.app.state.lead_units
    return found


LeadUnitsDep = Annotated[LeadUnits, Depends(lead_units)]


async def reader_scope(request: Request, user: CurrentUser, leads: LeadUnitsDep) -> Scope:
    """The caller's scope, or 403 for someone who may not read the numbers."""
    if any(user.has(role) for role in EVERYTHING):
        return Scope(units=None)
    if user.has(LEAD):
        return Scope(units=await leads.of(user, bearer_token(request)))
    raise NotAReader()


ScopeDep = Annotated[Scope, Depends(reader_scope)]


def require_admin(user: CurrentUser) -> Principal:
    if not user.is_admin:
        raise Forbidden(
            Localized(
                da="Kun administratorer må ændre behandlingstider.",
                en="Only administrators may change handling times.",
            )
        )
    return user


AdminDep = Annotated[Principal, Depends(require_admin)]
