"""Strip personal identifiers from free text before it is used for training or prediction."""

from __future__ import annotations

import re

# A CPR number: DDMMYY-NNNN or DDMMYYNNNN (optionally a space instead of the dash).
_CPR = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[- ]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Danish phone numbers: 8 digits, optionally +45/0045 and grouped by spaces or dashes.
_PHONE = re.compile(r"(?<![\w])(?:(?:\+|00)45[ -]?)?\d{2}(?:[ -]?\d{2}){3}(?!\d)")
_DIGITS = re.compile(r"\d{5,}")


def scrub(text: str) -> str:
    """Drop CPR numbers, e-mail addresses, phone numbers and long digit runs. Dropped, not
    replaced by a word: a placeholder such as "telefonnr" shares character n-grams with
    real words ("telefon"), and a number in a report then pulled it towards IT."""
    for pattern in (_CPR, _EMAIL, _PHONE, _DIGITS):
        text = pattern.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()
