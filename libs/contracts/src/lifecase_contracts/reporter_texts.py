"""What the reporter reads about a step of their case that two services tell: intake writes it
on the case's timeline and notifications sends it as a notice. One home, so the two cannot
drift apart; where their wording differs, ``notice`` picks the notice's (the timeline reports
what happened, the notice where the case stands)."""

from __future__ import annotations

from lifecase_contracts.events import Localized

# A text quotes at most this much of a caseworker's words; the case page shows them all.
QUOTE_LIMIT = 500


def quote(text: str) -> str:
    """``text`` on one line, cut to ``QUOTE_LIMIT`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def routed(
    title: Localized, unit: str, unit_name: Localized | None = None, *, notice: bool = False
) -> Localized:
    name = unit_name or Localized(da=unit, en=unit)
    went = "was sent to" if notice else "went to"
    return Localized(
        da=f"»{title.da}« er sendt til {name.da}.", en=f"“{title.en}” {went} {name.en}."
    )


def resolved(title: Localized, *, notice: bool = False) -> Localized:
    was = "is" if notice else "was"
    return Localized(da=f"»{title.da}« er løst.", en=f"“{title.en}” {was} resolved.")


def rejected(title: Localized, reason: str) -> Localized:
    why = quote(reason)
    return Localized(
        da=f"»{title.da}« er afvist. Begrundelse: {why}",
        en=f"“{title.en}” was rejected. Reason: {why}",
    )


def completed(*, notice: bool = False) -> Localized:
    if notice:
        return Localized(
            da="Hele sagen er afsluttet: alle delsager er løst.",
            en="The whole case is completed: every sub-case is resolved.",
        )
    return Localized(da="Hele sagen er afsluttet.", en="The whole case is completed.")


def planning_failed() -> Localized:
    return Localized(
        da="Sagen kunne ikke planlægges ud fra dens oplysninger og er stoppet. Opret den "
        "igen med rettede oplysninger, eller kontakt Fælles Administration.",
        en="The case could not be planned from its data and has stopped. File it again "
        "with corrected data, or contact the shared administration.",
    )
