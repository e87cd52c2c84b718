"""The routing admin page: read through routing's own service functions, render."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lifecase_platform.deps import SessionDep, WebUIDep
from lifecase_platform.webui import PageUser
from lifecase_platform.webui.admin_area import require_admin_area
from lifecase_routing import organisation, rulesets, sla

router = APIRouter(include_in_schema=False)


@router.get("/")
async def units_and_routing(
    request: Request, user: PageUser, ui: WebUIDep, session: SessionDep
) -> Response:
    """The units with their queues and members, the active rules in the order they are
    tried (with what each routed and how much of it was transferred away), and the SLA."""
    require_admin_area(user)
    units = await organisation.list_units(session=session)
    rule_set = await rulesets.get_rule_set(session=session, version=None)
    policy = await sla.sla_policy(session=session)
    queue_names = {q.key: q.name for unit in units for q in unit.queues}
    context = {"units": units, "rule_set": rule_set, "policy": policy, "queue_names": queue_names}
    return ui.render(request, "admin_routing/overview.html", context)
