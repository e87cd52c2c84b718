"""SLA clocks on the Danish working-day calendar, in one place.

- The due date is the case's own due date for the sub-case when it has one (moved off a
  closing day), otherwise the routing day plus the policy's target for the sub-case type.
- While the item waits for the reporter the clock is paused; on resuming, the due date moves
  by the working days the clock stood still.
- An open item is ``breached`` after its due date, ``due_soon`` within the policy's window,
  otherwise ``on_track``; a closed item ``met`` or ``missed`` its due date.

``clock`` is the arithmetic (pure), ``items`` what it does to a work item, ``policy`` the
stored policy the clock is built from, ``breaches`` the running items that are late,
``due_soon`` those that soon will be.
"""

from lifecase_routing.sla.breaches import (
    BREACH_BATCH,
    RUNNING_STATUSES,
    queue_counts,
    report_breaches,
)
from lifecase_routing.sla.clock import SlaClock
from lifecase_routing.sla.due_soon import report_due_soon
from lifecase_routing.sla.items import moved_due_date, pause, resume, sla_of, stop
from lifecase_routing.sla.policy import POLICY_ID, put_sla_policy, sla_clock, sla_policy

__all__ = [
    "BREACH_BATCH",
    "POLICY_ID",
    "RUNNING_STATUSES",
    "SlaClock",
    "moved_due_date",
    "pause",
    "put_sla_policy",
    "queue_counts",
    "report_breaches",
    "report_due_soon",
    "resume",
    "sla_clock",
    "sla_of",
    "sla_policy",
    "stop",
]
