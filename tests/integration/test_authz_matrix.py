"""Every operation of the served API declares who may call it, and the system holds to it
for every role: no token is 401 everywhere but the dev identity endpoints; administration
is admins' alone; templates are drafted by admins and process owners, approved by process
owners and read by auditors too; the access log is admins' and
auditors'; filing is reporters' alone; the rest is open to any signed-in user and narrowed
per object inside (tested per endpoint elsewhere: a case, a queue, a work item).

An operation added without an entry in ``PERMISSIONS`` fails this test until it is given
one."""

from __future__ import annotations

import re

import pytest

from tests.support import Api, hiring_data

pytestmark = pytest.mark.integration

ROLES = {
    "reporter": "rita",
    "caseworker": "paula",
    "unit_lead": "lene",
    "robot": "robot-payroll",
    "admin": "ada",
    "auditor": "alma",
    "process_owner": "pia",
}
ADMIN = "admin"
AUDIT = "audit"  # the access log: admins and auditors
TEMPLATES = "templates"  # drafting life-cycle templates: admins and process owners
TEMPLATE_READERS = "template-readers"  # ... and auditors, who read them
APPROVE = "process_owner"  # approving, sending back and publishing them
INSIGHT = "insight"  # the reporting datasets: admins, process owners, auditors, unit leads
REPORTER = "reporter"
SIGNED_IN = "signed-in"
PUBLIC = "public"

HOLDERS = {
    AUDIT: {"admin", "auditor"},
    TEMPLATES: {"admin", "process_owner"},
    TEMPLATE_READERS: {"admin", "process_owner", "auditor"},
    INSIGHT: {"admin", "process_owner", "auditor", "unit_lead"},
}
PERMISSIONS: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/access-log"): AUDIT,
    ("GET", "/api/v1/access-log/export"): AUDIT,
    ("POST", "/api/v1/cases"): REPORTER,
    ("GET", "/api/v1/cases"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}"): SIGNED_IN,
    ("PATCH", "/api/v1/cases/{case_id}"): SIGNED_IN,
    ("POST", "/api/v1/cases/{case_id}/messages"): SIGNED_IN,
    ("GET", "/api/v1/cases/{case_id}/attachments/{attachment_id}"): SIGNED_IN,
    ("POST", "/api/v1/cases/{case_id}/withdraw"): SIGNED_IN,
    ("POST", "/api/v1/dev/token"): PUBLIC,
    ("GET", "/api/v1/dev/users"): PUBLIC,
    ("GET", "/api/v1/event-types"): SIGNED_IN,
    ("GET", "/api/v1/insight/queue-depth"): INSIGHT,
    ("GET", "/api/v1/insight/sla-compliance"): INSIGHT,
    ("GET", "/api/v1/insight/routing-accuracy"): INSIGHT,
    ("GET", "/api/v1/insight/lead-time/life-events"): INSIGHT,
    ("GET", "/api/v1/insight/lead-time/subcase-types"): INSIGHT,
    ("GET", "/api/v1/insight/throughput"): INSIGHT,
    ("GET", "/api/v1/insight/reporters-waiting"): INSIGHT,
    ("GET", "/api/v1/insight/automation"): INSIGHT,
    ("PUT", "/api/v1/insight/automation/overrides/{subcase_type}"): ADMIN,
    ("DELETE", "/api/v1/insight/automation/overrides/{subcase_type}"): ADMIN,
    ("GET", "/api/v1/notifications"): SIGNED_IN,
    ("GET", "/api/v1/webhooks"): AUDIT,
    ("POST", "/api/v1/webhooks"): ADMIN,
    ("GET", "/api/v1/webhooks/{subscription_id}"): AUDIT,
    ("PATCH", "/api/v1/webhooks/{subscription_id}"): ADMIN,
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): ADMIN,
    ("GET", "/api/v1/webhooks/{subscription_id}/deliveries"): AUDIT,
    ("POST", "/api/v1/webhooks/{subscription_id}/deliveries/{delivery_id}/replay"): ADMIN,
    ("GET", "/api/v1/notifications/unread-count"): SIGNED_IN,
    # Served only to a client that asks for text/event-stream: this test's requests get 406.
    ("GET", "/api/v1/notifications/stream"): SIGNED_IN,
    ("POST", "/api/v1/notifications/{notification_id}/read"): SIGNED_IN,
    ("POST", "/api/v1/notifications/read-all"): SIGNED_IN,
    ("GET", "/api/v1/notifications/preferences"): SIGNED_IN,
    ("PUT", "/api/v1/notifications/preferences"): SIGNED_IN,
    ("GET", "/api/v1/queues"): SIGNED_IN,
    ("GET", "/api/v1/queues/{queue}"): SIGNED_IN,
    ("POST", "/api/v1/queues/{queue}/claim-next"): SIGNED_IN,
    ("GET", "/api/v1/queues/{queue}/items"): SIGNED_IN,
    ("POST", "/api/v1/queues/{queue}/items/search"): SIGNED_IN,
    ("GET", "/api/v1/routing/directory"): SIGNED_IN,
    ("POST", "/api/v1/routing/dry-run"): ADMIN,
    ("POST", "/api/v1/routing/preview"): SIGNED_IN,
    ("GET", "/api/v1/routing/rule-sets"): ADMIN,
    ("POST", "/api/v1/routing/rule-sets"): ADMIN,
    ("GET", "/api/v1/routing/rule-sets/active"): ADMIN,
    ("GET", "/api/v1/routing/rule-sets/{version}"): ADMIN,
    ("POST", "/api/v1/routing/rule-sets/{version}/activate"): ADMIN,
    ("GET", "/api/v1/routing/sla-policy"): ADMIN,
    ("PUT", "/api/v1/routing/sla-policy"): ADMIN,
    ("POST", "/api/v1/users/{username}/revoke-tokens"): ADMIN,
    ("GET", "/api/v1/operations/stuck-cases"): ADMIN,
    ("POST", "/api/v1/operations/stuck-cases/{case_id}/retry"): ADMIN,
    ("GET", "/api/v1/operations/dead-letters"): ADMIN,
    ("POST", "/api/v1/operations/dead-letters/{sequence}/replay"): ADMIN,
    ("DELETE", "/api/v1/operations/dead-letters/{sequence}"): ADMIN,
    ("GET", "/api/v1/templates"): TEMPLATE_READERS,
    ("POST", "/api/v1/templates"): TEMPLATES,
    ("POST", "/api/v1/templates/bundles"): TEMPLATES,
    ("GET", "/api/v1/templates/{key}/versions/{version}/bundle"): TEMPLATE_READERS,
    ("GET", "/api/v1/templates/schema"): SIGNED_IN,
    ("POST", "/api/v1/templates/validate"): TEMPLATES,
    ("POST", "/api/v1/templates/{key}/preview"): SIGNED_IN,
    ("GET", "/api/v1/templates/{key}/owners"): TEMPLATE_READERS,
    ("PUT", "/api/v1/templates/{key}/owners"): ADMIN,
    ("GET", "/api/v1/templates/{key}/versions"): TEMPLATE_READERS,
    ("GET", "/api/v1/templates/{key}/versions/{version}"): TEMPLATE_READERS,
    ("PUT", "/api/v1/templates/{key}/versions/{version}"): TEMPLATES,
    ("GET", "/api/v1/templates/{key}/versions/{version}/cases"): TEMPLATE_READERS,
    ("GET", "/api/v1/templates/{key}/versions/{version}/changes"): TEMPLATE_READERS,
    ("GET", "/api/v1/templates/{key}/versions/{version}/history"): TEMPLATE_READERS,
    ("POST", "/api/v1/templates/{key}/versions/{version}/submit"): TEMPLATES,
    ("POST", "/api/v1/templates/{key}/versions/{version}/migration"): TEMPLATES,
    ("POST", "/api/v1/templates/{key}/versions/{version}/migration/dry-run"): TEMPLATES,
    ("POST", "/api/v1/templates/{key}/versions/{version}/send-back"): APPROVE,
    ("POST", "/api/v1/templates/{key}/versions/{version}/publish"): APPROVE,
    ("POST", "/api/v1/templates/{key}/versions/{version}/retire"): TEMPLATES,
    ("POST", "/api/v1/triage/suggestions"): SIGNED_IN,
    ("GET", "/api/v1/triage/models"): TEMPLATE_READERS,
    ("POST", "/api/v1/triage/models"): ADMIN,
    ("POST", "/api/v1/triage/models/{version}/activate"): TEMPLATES,
    ("GET", "/api/v1/triage/examples"): TEMPLATE_READERS,
    ("GET", "/api/v1/units"): SIGNED_IN,
    ("PUT", "/api/v1/units/{unit}"): ADMIN,
    ("PUT", "/api/v1/units/{unit}/members/{username}"): ADMIN,
    ("DELETE", "/api/v1/units/{unit}/members/{username}"): ADMIN,
    ("PUT", "/api/v1/units/{unit}/queues/{queue}"): ADMIN,
    ("DELETE", "/api/v1/units/{unit}/queues/{queue}"): ADMIN,
    ("GET", "/api/v1/work-items/{item_id}"): SIGNED_IN,
    ("GET", "/api/v1/work-items/{item_id}/attachments/{attachment_id}"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/assign"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/claim"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/messages"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/notes"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/reject"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/request-info"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/resolve"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/transfer"): SIGNED_IN,
    ("POST", "/api/v1/work-items/{item_id}/unassign"): SIGNED_IN,
}
PATH_VALUES = {
    "key": "hiring",
    "version": "1",
    "queue": "payroll",
    "unit": "payroll",
    "username": "nobody-at-all",
    "sequence": "999999",
}


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "no-such-id"), path)


def _body(method: str, path: str) -> dict[str, object] | None:
    if (method, path) == ("POST", "/api/v1/cases"):
        return {"event_type": "hiring", "data": hiring_data()}
    return None if method in ("GET", "DELETE") else {}


async def test_every_operation_declares_a_permission_and_every_role_is_held_to_it(
    api: Api,
) -> None:
    document = (await api.get("/openapi.json", as_=None)).json()
    operations = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    assert operations - PERMISSIONS.keys() == set(), "operations without a declared permission"
    assert PERMISSIONS.keys() - operations == set(), "declared operations that do not exist"

    wrong: list[tuple[str, str, str | None, int]] = []
    for (method, path), permission in sorted(PERMISSIONS.items()):
        url, body = _url(path), _body(method, path)
        anonymous = await api.client.request(method, url, json=body)
        if permission != PUBLIC and anonymous.status_code != 401:
            wrong.append((method, path, None, anonymous.status_code))
        for role, user in ROLES.items():
            response = await api.client.request(method, url, json=body, headers=api.headers(user))
            refused = response.status_code in (401, 403)
            allowed = permission in (PUBLIC, SIGNED_IN) or role in HOLDERS.get(
                permission, {permission}
            )
            if refused == allowed:
                wrong.append((method, path, role, response.status_code))
    assert wrong == []
