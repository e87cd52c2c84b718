"""Languages of the web pages: Danish by default, English one click away.

Page texts are English message ids translated through Babel catalogues (``locale/da/
LC_MESSAGES/messages.po`` beside each UI package). The ``.po`` files are the only source:
they are compiled in memory when a UI starts, so no compiled ``.mo`` file is kept or made by
hand. ``make messages`` extracts new message ids into the catalogues.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

Language = Literal["da", "en"]
LANGUAGES: tuple[Language, ...] = ("da", "en")
DEFAULT_LANGUAGE: Language = "da"
LANGUAGE_COOKIE = "lifecase_lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
BABEL_LOCALES: dict[Language, str] = {"da": "da_DK", "en": "en_GB"}


def requested_language(request: Request) -> Language | None:
    """The language a ``?lang=`` link asks to switch to, if any."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def language_of(request: Request) -> Language:
    """A switch link's ``?lang=`` first, then the remembered choice, then Danish.

    The browser's Accept-Language is deliberately not consulted: the portal is Danish unless
    the person chose English, whatever their browser happens to be set to.
    """
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    remembered = chosen if chosen in LANGUAGES else None
    return requested_language(request) or remembered or DEFAULT_LANGUAGE


def compile_catalogue(po_file: Path) -> Translations:
    """A ``.po`` file as translations, compiled in memory (fuzzy entries left out)."""
    with po_file.open("rb") as source:
        catalogue = read_po(source, locale=po_file.parent.parent.name)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(fp=compiled)


def load_translations(language: Language, locale_dirs: Iterable[Path]) -> gettext.NullTranslations:
    """One language's translations from every catalogue directory; later ones win."""
    if language == "en":
        return NullTranslations()  # the message ids are English
    merged = Translations()
    for directory in locale_dirs:
        po_file = directory / language / "LC_MESSAGES" / "messages.po"
        if po_file.exists():
            merged.merge(compile_catalogue(po_file))
    return merged
