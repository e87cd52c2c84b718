"""What the reporter is told, in Danish and English. Pure functions of the event."""

from __future__ import annotations

from lifecase_contracts.events import CaseCompleted, Localized, SubcaseResolved, SubcaseRouted


def routed(event: SubcaseRouted) -> Localized:
    return Localized(
        da=f"»{event.title.da}« er sendt til {event.unit} og ligger i køen {event.queue}.",
        en=f"“{event.title.en}” was sent to {event.unit} and is in the {event.queue} queue.",
    )


def resolved(event: SubcaseResolved) -> Localized:
    return Localized(da=f"»{event.title.da}« er løst.", en=f"“{event.title.en}” is resolved.")


def completed(event: CaseCompleted) -> Localized:
    return Localized(
        da="Hele sagen er afsluttet: alle delsager er løst.",
        en="The whole case is completed: every sub-case is resolved.",
    )
