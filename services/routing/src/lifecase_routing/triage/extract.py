"""Form values a free-text report already gives (dates, choices), keyed by template field key.

A small explicit parser for the Danish and English ways managers write dates ("1. april",
"den 3/2", "på mandag", "fra 1. marts til 30. juni", "April 1st", "til nytår", "med udgangen af
juli"): without a year a date is its next occurrence from ``today`` on. Only what the text says
is returned; anything unclear is left for the reporter to fill in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {
    "januar": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "marts": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "mandag": 0, "monday": 0, "tirsdag": 1, "tuesday": 1, "onsdag": 2, "wednesday": 2,
    "torsdag": 3, "thursday": 3, "fredag": 4, "friday": 4, "lørdag": 5, "saturday": 5,
    "søndag": 6, "sunday": 6,
}  # fmt: skip

_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(" + "|".join(_WEEKDAYS) + ")"
_YEAR = r"(?:,?\s+(\d{4}))?"
_ORDINAL = r"(?:st|nd|rd|th)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    # 1. april 2027, 1 april, 1st of April
    (
        "day_month",
        re.compile(rf"\b(\d{{1,2}})(?:\.|{_ORDINAL})?\s+(?:of\s+)?{_MONTH}{_YEAR}\b", re.I),
    ),
    # April 1st, 2027
    ("month_day", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}){_ORDINAL}{_YEAR}\b", re.I)),
    # 3/2, 3/2-2027, 3/2/27, 3.2.2027
    ("numeric", re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?:[-/.](\d{4}|\d{2}))?(?![\d/])")),
    ("dotted", re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])")),
    # (med) udgangen af juli, end of July
    (
        "month_end",
        re.compile(rf"\b(?:udgangen\s+af|slutningen\s+af|end\s+of)\s+{_MONTH}{_YEAR}", re.I),
    ),
    ("weekday", re.compile(rf"\b{_WEEKDAY}(\s+i\s+næste\s+uge|\s+next\s+week)?\b", re.I)),
    ("new_year", re.compile(r"\b(?:nytår|nytaar|new\s+year)\b", re.I)),
    ("tomorrow", re.compile(r"\b(?:i\s+morgen|tomorrow)\b", re.I)),
    ("today", re.compile(r"\b(?:i\s+dag|today)\b", re.I)),
]


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    value: date
    has_year: bool


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next(month: int, day: int, today: date) -> date | None:
    """The next occurrence of day/month from today on (29 February: the next leap year)."""
    for year in range(today.year, today.year + 9):
        candidate = _safe(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _resolve(kind: str, m: re.Match[str], today: date) -> tuple[date | None, bool]:
    if kind == "iso":
        return _safe(int(m[1]), int(m[2]), int(m[3])), True
    if kind in ("day_month", "month_day"):
        day, month_name = (m[1], m[2]) if kind == "day_month" else (m[2], m[1])
        month = _MONTHS[month_name.lower()]
        year = _year(m[3])
        if year is not None:
            return _safe(year, month, int(day)), True
        return _next(month, int(day), today), False
    if kind in ("numeric", "dotted"):
        day, month, year = int(m[1]), int(m[2]), _year(m[3])
        if year is not None:
            return _safe(year, month, day), True
        if not 1 <= month <= 12:
            return None, False
        return _next(month, day, today), False
    if kind == "month_end":
        month = _MONTHS[m[1].lower()]
        year = _year(m[2])
        if year is None:
            year = today.year if month >= today.month else today.year + 1
        return date(year, month, calendar.monthrange(year, month)[1]), m[2] is not None
    if kind == "weekday":
        weekday = _WEEKDAYS[m[1].lower()]
        if m[2]:
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
            return monday + timedelta(days=weekday), False
        # "på mandag" said on a Monday means next week's.
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1), False
    if kind == "new_year":
        # "stopper til nytår": the last day of the year.
        return date(today.year, 12, 31), False
    if kind == "tomorrow":
        return today + timedelta(days=1), False
    return today, False


def find_dates(text: str, today: date) -> list[_Found]:
    """The dates in ``text`` in order of appearance (overlapping mentions counted once)."""
    found: list[_Found] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            value, has_year = _resolve(kind, m, today)
            if value is not None:
                found.append(_Found(m.start(), m.end(), value, has_year))
    return sorted(found, key=lambda f: f.start)


def _range(found: list[_Found]) -> tuple[date | None, date | None]:
    if not found:
        return None, None
    start = found[0].value
    if len(found) < 2:
        return start, None
    end = found[1].value
    if end < start and not found[1].has_year:
        # "fra 1. november til 31. januar": the end falls in the next year.
        end = _safe(end.year + 1, end.month, end.day) or end
    return start, end if end >= start else None


_HOURS = re.compile(r"\b(\d{1,2}(?:[.,]\d+)?)\s*(?:timer|t\.|hours|hrs)\b", re.I)
_TERMIN = re.compile(r"\b(?:termin\w*|due|forventet\s+fødsel|expected)\b", re.I)


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{w}", text) for w in words)


def _termination_reason(text: str) -> str | None:
    if _has(text, "pension", "efterløn", "retire", "fylder 67", "fylder 70"):
        return "retirement"
    resigned = (
        "opsagt sin", "sagt op", "siger op", "sige op", "sagt sin stilling op",
        "siger sin stilling op", "indgivet sin opsigelse", "egen opsigelse", "resign", "quit",
        "handed in", "nyt job", "andet job",
    )  # fmt: skip
    if _has(text, *resigned):
        return "resignation"
    if _has(
        text,
        "afskedig",
        "opsagt",
        "fyret",
        "bortvis",
        "dismiss",
        "let go",
        "letting .* go",
        "fired",
    ):
        return "dismissal"
    if _has(
        text,
        "udløber",
        "ophører",
        "slutter",
        "vikariat",
        "tidsbegrænset",
        "contract ends",
        "fixed-term",
    ):
        return "end_of_contract"
    return None


def _leave_type(text: str) -> str | None:
    if _has(
        text, "uddannelse", "studere", "læse", "kursus", "master", "education", "study", "studies"
    ):
        return "education"
    if _has(text, "pleje", "passe sin", "passe sit", "syg", "døende", "care leave", "caring"):
        return "care"
    if _has(text, "uden løn", "ulønnet", "tjenestefri", "unpaid", "sabbat"):
        return "unpaid"
    return None


def _employment_type(text: str) -> str | None:
    if _has(text, "fastansat", "fast stilling", "fastansættelse", "permanent"):
        return "permanent"
    if _has(
        text,
        "vikar",
        "tidsbegrænset",
        "afløser",
        "sommervikar",
        "fixed-term",
        "temporary",
        "substitute",
    ):
        return "temporary"
    return None


def extract_fields(text: str, *, life_event: str, today: date) -> dict[str, str]:
    """Return the form values found in ``text`` for the template ``life_event``.

    Keys are the template's field keys, group rows as ``group.INDEX.field``; dates are ISO.
    """
    lowered = text.lower()
    found = find_dates(text, today)
    fields: dict[str, str | None] = {}
    if life_event == "hiring":
        fields["start_date"] = found[0].value.isoformat() if found else None
        fields["employment_type"] = _employment_type(lowered)
        hours = _HOURS.search(lowered)
        if hours:
            fields["weekly_hours"] = hours[1].replace(",", ".")
    elif life_event == "termination":
        fields["last_working_day"] = found[0].value.isoformat() if found else None
        fields["reason"] = _termination_reason(lowered)
    elif life_event == "leave_of_absence":
        start, end = _range(found)
        fields["leave_start"] = start.isoformat() if start else None
        fields["leave_end"] = end.isoformat() if end else None
        fields["leave_type"] = _leave_type(lowered)
    elif life_event == "parental_leave":
        termin = _TERMIN.search(lowered)
        if termin is not None:
            # The date right after "termin"/"due" is the expected birth, not the leave.
            after = [f for f in found if f.start >= termin.end() and f.start - termin.end() <= 12]
            if after:
                fields["expected_birth_date"] = after[0].value.isoformat()
                found = [f for f in found if f is not after[0]]
        start, end = _range(found)
        fields["leave_periods.0.start"] = start.isoformat() if start else None
        fields["leave_periods.0.end"] = end.isoformat() if end else None
    return {key: value for key, value in fields.items() if value is not None}
