"""Who may see and do what: caseworkers and robots work their units' queues, a unit's leads
also assign its work, admins see everything. Another unit's work does not exist for a
caseworker (404), so nothing reveals that it is there. A robot does only the item actions
its membership of the unit declares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.errors import Forbidden
from lifecase_routing.models import Member


@dataclass(frozen=True)
class Access:
    user: Principal
    units: frozenset[str] | None  # None: every unit (an admin)
    leads: frozenset[str]
    robot_actions: Mapping[str, frozenset[str]] = field(default_factory=dict)  # per unit

    @property
    def username(self) -> str:
        return self.user.username

    def sees(self, unit: str) -> bool:
        return self.units is None or unit in self.units

    def leads_unit(self, unit: str) -> bool:
        return self.user.is_admin or unit in self.leads

    def require_action(self, unit: str, action: str) -> None:
        """People act by their role; a robot only as its membership of ``unit`` declares."""
        if self.user.has("robot") and action not in self.robot_actions.get(unit, frozenset()):
            raise Forbidden(
                Localized(
                    da=f"Denne robot må ikke udføre {action} på opgaver i denne enhed.",
                    en=f"This robot may not {action} work items in this unit.",
                )
            )


async def access_of(*, session: AsyncSession, user: Principal) -> Access:
    rows = (
        await session.execute(
            select(Member.unit, Member.role, Member.actions).where(Member.username == user.username)
        )
    ).all()
    units = None if user.is_admin else frozenset(unit for unit, _, _ in rows)
    leads = frozenset(unit for unit, role, _ in rows if role == "lead" and not user.has("robot"))
    robot_actions = {unit: frozenset(actions or ()) for unit, _, actions in rows}
    return Access(user=user, units=units, leads=leads, robot_actions=robot_actions)


def require_admin(user: Principal) -> None:
    if not user.is_admin:
        raise Forbidden(
            Localized(
                da="Kun administratorer må ændre dette.", en="Only administrators may change this."
            )
        )
