"""A work item's life cycle: queued → claimed → waiting_for_reporter → resolved | rejected |
cancelled. Pure logic."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lifecase_contracts.events import Localized
from lifecase_contracts.statuses import WorkItemStatus
from lifecase_platform.errors import Conflict
from lifecase_routing.models import WorkItem

OPEN: tuple[WorkItemStatus, ...] = ("queued", "claimed", "waiting_for_reporter")
CLOSED: tuple[WorkItemStatus, ...] = ("resolved", "rejected", "cancelled")
STATUSES = OPEN + CLOSED


def set_status(item: WorkItem, status: WorkItemStatus, *, at: datetime | None = None) -> None:
    """Move the item to ``status``, keeping ``is_open`` and ``closed_at`` in step with it."""
    item.status = status
    item.is_open = status in OPEN
    if status in CLOSED:
        item.closed_at = at


def require_open(item: WorkItem) -> None:
    if item.status in CLOSED:
        raise Conflict(
            Localized(
                da=f"Opgaven er allerede {_CLOSED_DA[item.status]}.",
                en=f"The work item is already {item.status.replace('_', ' ')}.",
            )
        )


_CLOSED_DA = {"resolved": "løst", "rejected": "afvist", "cancelled": "annulleret"}


def search_text(title: Localized, subcase_type: str, fields: Mapping[str, Any]) -> str:
    """What the queue's text filter searches: titles, type and the carried text fields."""
    words = [title.da, title.en, subcase_type]
    words.extend(v for v in fields.values() if isinstance(v, str))
    return " ".join(words).lower()
