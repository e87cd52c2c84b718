"""What each step of a case says on the reporter's timeline, in Danish and English. The steps
notifications also tells the reporter of (routed, resolved, rejected, completed, planning
failed) say it in ``lifecase_contracts.reporter_texts``."""

from __future__ import annotations

from datetime import date

from lifecase_contracts.events import Localized

CANCEL_REASONS = {
    "condition_no_longer_holds": Localized(
        da="sagens ændrede oplysninger kræver den ikke længere",
        en="the case's changed data no longer calls for it",
    ),
    "withdrawn": Localized(da="sagen er trukket tilbage", en="the case was withdrawn"),
    "prerequisite_not_done": Localized(
        da="en delsag, den ventede på, blev ikke gennemført",
        en="a sub-case it waited for was not done",
    ),
    "not_in_new_version": Localized(
        da="den nye version af forløbet har den ikke",
        en="the new version of the process does not have it",
    ),
}


def submitted() -> Localized:
    return Localized(da="Sagen er oprettet.", en="The case was filed.")


def scheduled(title: Localized, opens_on: date | None, waits: bool) -> Localized:
    if opens_on is not None:
        return Localized(
            da=f"»{title.da}« er planlagt til {opens_on.isoformat()}.",
            en=f"“{title.en}” is scheduled for {opens_on.isoformat()}.",
        )
    assert waits
    return Localized(
        da=f"»{title.da}« venter på andre delsager.", en=f"“{title.en}” waits for other sub-cases."
    )


def opened(title: Localized) -> Localized:
    return Localized(da=f"»{title.da}« er oprettet.", en=f"“{title.en}” was opened.")


def cancelled(title: Localized, reason: str) -> Localized:
    why = CANCEL_REASONS.get(reason, Localized(da=reason, en=reason))
    return Localized(
        da=f"»{title.da}« er annulleret: {why.da}.", en=f"“{title.en}” was cancelled: {why.en}."
    )


def migrated(
    version: int, added: list[Localized], cancelled: list[Localized], kept: list[Localized]
) -> Localized:
    """A case moved to a newer version of its template, and what that changed."""

    def listed(titles: list[Localized], language: str) -> str:
        names = [t.da if language == "da" else t.en for t in titles]
        return ", ".join(f"»{n}«" if language == "da" else f"“{n}”" for n in names)

    da = [f"Sagen følger nu version {version} af forløbet."]
    en = [f"The case now follows version {version} of the process."]
    for titles, says_da, says_en in (
        (added, "Tilføjet", "Added"),
        (cancelled, "Annulleret", "Cancelled"),
        (kept, "Allerede klaret og beholdt", "Already done and kept"),
    ):
        if titles:
            da.append(f"{says_da}: {listed(titles, 'da')}.")
            en.append(f"{says_en}: {listed(titles, 'en')}.")
    if len(da) == 1:
        da.append("Ingen af dine delsager ændres.")
        en.append("None of your sub-cases change.")
    return Localized(da=" ".join(da), en=" ".join(en))


def due_date_moved(title: Localized, due: date | None) -> Localized:
    when = due.isoformat() if due else "–"
    return Localized(
        da=f"Fristen for »{title.da}« er flyttet til {when}.",
        en=f"The due date of “{title.en}” moved to {when}.",
    )


def rescheduled(fields: list[Localized], reason: str) -> Localized:
    """``fields``: the labels of the changed fields, as the reporter knows them."""
    names_da = ", ".join(f.da for f in fields)
    names_en = ", ".join(f.en for f in fields)
    suffix_da = f" Begrundelse: {reason}" if reason else ""
    suffix_en = f" Reason: {reason}" if reason else ""
    return Localized(
        da=f"Datoer ændret ({names_da}).{suffix_da}", en=f"Dates changed ({names_en}).{suffix_en}"
    )


def withdrawn(reason: str) -> Localized:
    return Localized(
        da=f"Sagen er trukket tilbage. Begrundelse: {reason}",
        en=f"The case was withdrawn. Reason: {reason}",
    )
