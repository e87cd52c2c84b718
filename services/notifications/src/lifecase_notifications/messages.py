"""What the reporter is told, in Danish and English. Pure functions of the event; the texts
intake's timeline also shows live in ``lifecase_contracts.reporter_texts``."""

from __future__ import annotations

from lifecase_contracts import reporter_texts
from lifecase_contracts.events import (
    CaseCompleted,
    CasePlanningFailed,
    InfoRequested,
    Localized,
    SubcaseRejected,
    SubcaseResolved,
    SubcaseRouted,
)


def routed(event: SubcaseRouted) -> Localized:
    return reporter_texts.routed(event.title, event.unit, event.unit_name, notice=True)


def resolved(event: SubcaseResolved) -> Localized:
    return reporter_texts.resolved(event.title, notice=True)


def completed(event: CaseCompleted) -> Localized:
    return reporter_texts.completed(notice=True)


def planning_failed(event: CasePlanningFailed) -> Localized:
    return reporter_texts.planning_failed()


def info_requested(event: InfoRequested) -> Localized:
    quote = reporter_texts.quote(event.question)
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
    return reporter_texts.rejected(event.title, event.reason)
