"""What the reporter is told, in Danish and English. Pure functions of the event."""

from __future__ import annotations

from lifecase_contracts.events import (
    CaseCompleted,
    CasePlanningFailed,
    InfoRequested,
    Localized,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
)

# A notification quotes at most this much of a question or a reason; the case shows it all.
QUOTE_LIMIT = 500


def routed(event: SubcaseRouted) -> Localized:
    unit = event.unit_name or Localized(da=event.unit, en=event.unit)
    return Localized(
        da=f"»{event.title.da}« er sendt til {unit.da}.",
        en=f"“{event.title.en}” was sent to {unit.en}.",
    )


def resolved(event: SubcaseResolved) -> Localized:
    return Localized(da=f"»{event.title.da}« er løst.", en=f"“{event.title.en}” is resolved.")


def completed(event: CaseCompleted) -> Localized:
    return Localized(
        da="Hele sagen er afsluttet: alle delsager er løst.",
        en="The whole case is completed: every sub-case is resolved.",
    )


def planning_failed(event: CasePlanningFailed) -> Localized:
    return Localized(
        da="Sagen kunne ikke planlægges ud fra dens oplysninger og er stoppet. Opret den "
        "igen med rettede oplysninger, eller kontakt Fælles Administration.",
        en="The case could not be planned from its data and has stopped. File it again "
        "with corrected data, or contact the shared administration.",
    )


def info_requested(event: InfoRequested) -> Localized:
    quote = _quote(event.question)
    if not event.awaits_reply:
        return Localized(
            da=f"Besked om »{event.title.da}«: »{quote}«",
            en=f"Message about “{event.title.en}”: “{quote}”",
        )
    return Localized(
        da=f"Spørgsmål om »{event.title.da}«: »{quote}« Svar på sagen, så arbejdet kan fortsætte.",
        en=f"Question about “{event.title.en}”: “{quote}” Reply on the case so the work can go on.",
    )


def rejected(event: SubcaseRejected) -> Localized:
    reason = _quote(event.reason)
    return Localized(
        da=f"»{event.title.da}« er afvist. Begrundelse: {reason}",
        en=f"“{event.title.en}” was rejected. Reason: {reason}",
    )


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"
