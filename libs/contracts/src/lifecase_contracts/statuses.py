"""Every status a case, sub-case, work item or template version can be in, defined once.
They are stored and sent as these strings; the types let code, type checks and the API
documents say which strings those are."""

from __future__ import annotations

from typing import Literal

# A work item in routing: queued → claimed → waiting_for_reporter → resolved | rejected |
# cancelled (waiting for the reporter pauses its SLA clock).
WorkItemStatus = Literal[
    "queued", "claimed", "waiting_for_reporter", "resolved", "rejected", "cancelled"
]

# A combined case as the reporter sees it (intake).
CaseStatus = Literal["submitted", "in_progress", "completed", "withdrawn", "failed"]

# A sub-case as the reporter sees it (intake).
SubcaseStatus = Literal["scheduled", "open", "routed", "resolved", "rejected", "cancelled"]

# How a case's workflow ended (lifecycle) ...
CaseEnding = Literal["completed", "withdrawn", "failed"]
# ... and its stored input's status: running until then.
CaseRunStatus = Literal["running", CaseEnding]

# A template version (lifecycle): draft → in_review (submitted for approval; sent back to
# draft or approved) → published, and retired when a newer one is.
TemplateStatus = Literal["draft", "in_review", "published", "retired"]

# What happened to a template version, as its history records it (lifecycle).
TemplateAction = Literal[
    "created", "changed", "submitted", "sent_back", "published", "retired", "imported"
]
