"""The access log: who read personal data or changed something, when, what and why.

Every service records through its own outbox, in the transaction of the change it records (a
change that is not logged does not happen); a read is recorded before its answer leaves, so a
read that cannot be logged fails. The intake service keeps the searchable log
(``lifecase_intake.access_log``). Records carry identifiers and the acting user, never the
personal data itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import AccessRecorded, Envelope, Localized
from lifecase_platform.auth import Principal
from lifecase_platform.outbox import Outbox

# action -> what it means, for the people who search the log
ACTIONS: Final[dict[str, Localized]] = {
    "case.read": Localized(da="Læste en sag", en="Read a case"),
    "case.filed": Localized(da="Indberettede en sag", en="Filed a case"),
    "case.rescheduled": Localized(da="Flyttede datoer på en sag", en="Rescheduled a case"),
    "case.withdrawn": Localized(da="Trak en sag tilbage", en="Withdrew a case"),
    "case.replied": Localized(da="Svarede på en sag", en="Replied on a case"),
    "case.erased": Localized(da="Slettede personoplysninger", en="Erased personal data"),
    "case.attachment_read": Localized(
        da="Hentede en vedhæftet fil på en sag", en="Downloaded an attachment of a case"
    ),
    "work_item.read": Localized(da="Læste en opgave", en="Read a work item"),
    "work_item.attachment_read": Localized(
        da="Hentede en vedhæftet fil på en opgave", en="Downloaded an attachment of a work item"
    ),
    "work_item.claimed": Localized(da="Tog en opgave", en="Claimed a work item"),
    "work_item.assigned": Localized(da="Tildelte en opgave", en="Assigned a work item"),
    "work_item.unassigned": Localized(da="Lagde en opgave tilbage", en="Unassigned a work item"),
    "work_item.transferred": Localized(da="Flyttede en opgave", en="Transferred a work item"),
    "work_item.noted": Localized(da="Skrev et notat", en="Added a note"),
    "work_item.info_requested": Localized(da="Bad om oplysninger", en="Asked for information"),
    "work_item.messaged": Localized(da="Skrev til indberetteren", en="Messaged the reporter"),
    "work_item.resolved": Localized(da="Løste en opgave", en="Resolved a work item"),
    "work_item.rejected": Localized(da="Afviste en opgave", en="Rejected a work item"),
    "template.created": Localized(da="Oprettede en skabelon", en="Created a template"),
    "template.imported": Localized(
        da="Importerede en skabelon fra en pakke", en="Imported a template from a bundle"
    ),
    "template.changed": Localized(da="Ændrede en skabelonkladde", en="Changed a template draft"),
    "template.submitted": Localized(
        da="Sendte en skabelon til godkendelse", en="Submitted a template for approval"
    ),
    "template.sent_back": Localized(
        da="Sendte en skabelon tilbage til kladde", en="Sent a template back to draft"
    ),
    "template.published": Localized(
        da="Godkendte og udgav en skabelon", en="Approved and published a template"
    ),
    "template.owners_changed": Localized(
        da="Udpegede procesejere for en livshændelse", en="Named a life event's process owners"
    ),
    "template.cases_migrated": Localized(
        da="Flyttede igangværende sager til en ny skabelonversion",
        en="Moved running cases to a new template version",
    ),
    "template.retired": Localized(da="Trak en skabelon tilbage", en="Retired a template"),
    "rule_set.created": Localized(da="Oprettede routingregler", en="Created routing rules"),
    "rule_set.activated": Localized(da="Aktiverede routingregler", en="Activated routing rules"),
    "triage_model.trained": Localized(
        da="Trænede en ny version af triagemodellen", en="Trained a new triage model version"
    ),
    "triage_model.activated": Localized(
        da="Godkendte og aktiverede en triagemodel", en="Approved and activated a triage model"
    ),
    "unit.changed": Localized(da="Ændrede en enhed", en="Changed a unit"),
    "member.changed": Localized(da="Ændrede en enheds medlemmer", en="Changed unit members"),
    "user.tokens_revoked": Localized(da="Loggede en bruger ud overalt", en="Signed a user out"),
    "sla_policy.changed": Localized(da="Ændrede SLA-politikken", en="Changed the SLA policy"),
    "case.retried": Localized(da="Genoptog en fastlåst sag", en="Retried a stuck case"),
    "dead_letter.replayed": Localized(
        da="Sendte en afvist hændelse igen", en="Replayed a dead-lettered event"
    ),
    "dead_letter.discarded": Localized(
        da="Kasserede en afvist hændelse", en="Discarded a dead-lettered event"
    ),
}


async def record(
    session: AsyncSession,
    outbox: Outbox,
    *,
    source: str,
    user: Principal,
    action: str,
    resource: str,
    resource_id: str,
    case_id: str | None = None,
    personal_data: bool = False,
    reason: str = "",
) -> None:
    """Stage one access record in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}")
    event = AccessRecorded(
        actor=user.username,
        roles=list(user.roles),
        action=action,
        resource=resource,
        resource_id=resource_id,
        case_id=case_id,
        personal_data=personal_data,
        reason=reason[:500],
        at=datetime.now(UTC),
    )
    await outbox.add(session, Envelope.wrap(event, source=source, id=str(uuid.uuid4())))
