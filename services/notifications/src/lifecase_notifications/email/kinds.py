"""What kinds of notification a person may choose mail for, and what they get by default.

The default follows what the notice asks of the person: a question or anything that stops
their case arrives at once (the work waits for them); a message from a caseworker and the
case's end too; progress (a task routed or done) waits for the daily digest, so that a case
with five tasks does not send ten mails. A kind not listed (a newer notice) is mailed at once
when it asks the person to act, and goes in the digest otherwise."""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

from lifecase_contracts.events import Localized

Choice = Literal["immediately", "digest", "off"]
CHOICES: tuple[Choice, ...] = get_args(Choice)


REPORTERS = frozenset({"reporter"})
CASEWORKERS = frozenset({"caseworker", "unit_lead"})


class Kind(NamedTuple):
    label: Localized
    default: Choice
    roles: frozenset[str] = REPORTERS  # who gets notifications of the kind

    def concerns(self, roles: list[str]) -> bool:
        return bool(self.roles & set(roles))


KINDS: dict[str, Kind] = {
    "info_requested": Kind(Localized(da="Spørgsmål til dig", en="Questions to you"), "immediately"),
    "caseworker_message": Kind(
        Localized(da="Beskeder fra sagsbehandlere", en="Messages from caseworkers"),
        "immediately",
    ),
    "case_planning_failed": Kind(
        Localized(da="Sager der ikke kunne startes", en="Cases that could not start"),
        "immediately",
    ),
    "subcase_rejected": Kind(
        Localized(da="Opgaver der er afvist", en="Tasks turned down"), "immediately"
    ),
    "case_completed": Kind(Localized(da="Afsluttede sager", en="Completed cases"), "immediately"),
    "subcase_routed": Kind(
        Localized(da="Opgaver sendt til en enhed", en="Tasks sent to a unit"), "digest"
    ),
    "subcase_resolved": Kind(Localized(da="Løste opgaver", en="Tasks done"), "digest"),
    "reply_filed": Kind(
        Localized(da="Svar og beskeder fra indberettere", en="Replies and notes from reporters"),
        "immediately",
        CASEWORKERS,
    ),
    "sla_breached": Kind(
        Localized(da="Dine opgaver over fristen", en="Your work items past their due date"),
        "immediately",
        CASEWORKERS,
    ),
    # A deadline does not wait for tomorrow's digest: the notice says "today" or "tomorrow".
    "sla_due_soon": Kind(
        Localized(da="Dine opgaver med frist snart", en="Your work items due soon"),
        "immediately",
        CASEWORKERS,
    ),
}


def default_choice(kind: str, *, action_required: bool = False) -> Choice:
    """The choice a person has not made for ``kind``."""
    known = KINDS.get(kind)
    if known is not None:
        return known.default
    return "immediately" if action_required else "digest"
