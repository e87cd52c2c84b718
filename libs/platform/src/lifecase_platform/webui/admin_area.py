"""The admin area is served by two services, lifecycle (``/admin``: templates, operations)
and routing (``/admin/routing``: units, rules, service levels), under one menu and one
rule of who may enter; both take them from here."""

from __future__ import annotations

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.errors import Forbidden
from lifecase_platform.webui.templating import NavLink

# Who may read the admin area: those who change processes, and those who check them.
ADMIN_AREA = frozenset({"admin", "process_owner", "auditor"})

MENU = [
    NavLink("/admin/", Localized(da="Skabeloner", en="Templates")),
    NavLink("/admin/routing/", Localized(da="Enheder og routing", en="Units and routing")),
    NavLink("/admin/routing/triage", Localized(da="Triagemodel", en="Triage model")),
    NavLink(
        "/admin/operations", Localized(da="Drift", en="Operations"), roles=frozenset({"admin"})
    ),
    NavLink(
        "/admin/webhooks/",
        Localized(da="Webhooks", en="Webhooks"),
        roles=frozenset({"admin", "auditor"}),
    ),
    NavLink("/insight/", Localized(da="Indsigt", en="Insight")),
]


def require_admin_area(user: Principal) -> None:
    if not ADMIN_AREA & set(user.roles):
        raise Forbidden(
            Localized(
                da="Kun administratorer, procesejere og revisorer har adgang til administrationen.",
                en="Only administrators, process owners and auditors may use the admin area.",
            )
        )
