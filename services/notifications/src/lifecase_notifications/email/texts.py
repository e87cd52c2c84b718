"""What a mail says, in Danish or English: pure functions of the notification.

A mail tells what happened in the words of the in-app notice and links to the case; it holds
nothing the person does not already see in the app (no greeting by name, no case data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from lifecase_contracts.events import Localized
from lifecase_notifications.email.kinds import KINDS

Language = Literal["da", "en"]
PRODUCT = "lifecase"

SUBJECTS: dict[str, Localized] = {
    "info_requested": Localized(
        da="Du har fået et spørgsmål om din sag", en="You have a question about your case"
    ),
    "caseworker_message": Localized(da="Ny besked om din sag", en="A new message about your case"),
    "case_planning_failed": Localized(
        da="Din sag kunne ikke startes", en="Your case could not be started"
    ),
    "subcase_rejected": Localized(
        da="En opgave i din sag er afvist", en="A task in your case was turned down"
    ),
    "case_completed": Localized(da="Din sag er afsluttet", en="Your case is complete"),
    "subcase_routed": Localized(da="Din sag er sendt videre", en="Your case has moved on"),
    "subcase_resolved": Localized(
        da="En opgave i din sag er løst", en="A task in your case is done"
    ),
    "reply_filed": Localized(da="Indberetteren har skrevet", en="The reporter wrote"),
    "sla_breached": Localized(
        da="En af dine opgaver er over fristen", en="One of your work items is past its due date"
    ),
    "sla_due_soon": Localized(
        da="En af dine opgaver har snart frist", en="One of your work items is due soon"
    ),
}
NEWS = Localized(da="Nyt om din sag", en="News about your case")


class Mail(NamedTuple):
    subject: str
    body: str


def immediate(
    *, kind: str, text: str, link: str, preferences_link: str, language: Language
) -> Mail:
    """The mail for one notification the person wants at once."""
    subject = SUBJECTS.get(kind, NEWS).pick(language)
    label = KINDS[kind].label.pick(language) if kind in KINDS else subject
    if language == "en":
        body = (
            f"Hello,\n\n{text}\n\nOpen it in {PRODUCT}: {link}\n\n"
            f"You get this e-mail because you chose to hear at once about “{label}”. "
            f"Change what you get e-mail about: {preferences_link}\n\n"
            f"Kind regards,\n{PRODUCT}\n"
        )
    else:
        body = (
            f"Hej\n\n{text}\n\nÅbn i {PRODUCT}: {link}\n\n"
            f"Du får denne e-mail, fordi du har valgt at få besked med det samme om »{label}«. "
            f"Skift hvad du får e-mail om: {preferences_link}\n\n"
            f"Venlig hilsen\n{PRODUCT}\n"
        )
    return Mail(f"{PRODUCT}: {subject}", body)


class DigestLine(NamedTuple):
    text: str
    link: str


def digest(*, lines: Sequence[DigestLine], preferences_link: str, language: Language) -> Mail:
    """One mail with every notification the person chose to get once a day."""
    items = "\n\n".join(f"- {line.text}\n  {line.link}" for line in lines)
    if language == "en":
        subject = f"{PRODUCT}: today's news about your cases ({len(lines)})"
        body = (
            f"Hello,\n\nThis happened on your cases since the last summary:\n\n{items}\n\n"
            f"Change what you get e-mail about: {preferences_link}\n\n"
            f"Kind regards,\n{PRODUCT}\n"
        )
    else:
        subject = f"{PRODUCT}: dagens nyt om dine sager ({len(lines)})"
        body = (
            f"Hej\n\nDette er sket på dine sager siden sidste oversigt:\n\n{items}\n\n"
            f"Skift hvad du får e-mail om: {preferences_link}\n\n"
            f"Venlig hilsen\n{PRODUCT}\n"
        )
    return Mail(subject, body)
