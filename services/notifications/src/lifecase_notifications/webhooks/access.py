"""Who may see and change webhooks: administrators change them, auditors read them too."""

from __future__ import annotations

from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.errors import Forbidden

READERS = frozenset({"admin", "auditor"})


def may_read(user: Principal) -> bool:
    return bool(READERS & set(user.roles))


def require_reader(user: Principal) -> None:
    if not may_read(user):
        raise Forbidden(
            Localized(
                da="Kun administratorer og revisorer kan se webhooks.",
                en="Only administrators and auditors may see webhooks.",
            )
        )


def require_admin(user: Principal) -> None:
    if not user.is_admin:
        raise Forbidden(
            Localized(
                da="Kun administratorer må ændre webhooks.",
                en="Only administrators may change webhooks.",
            )
        )
