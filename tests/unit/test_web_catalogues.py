"""Every text on every page has its Danish translation: no page shows English to a Danish
reader because someone forgot to translate (``make messages`` adds new texts)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
UI_PACKAGES = [
    ROOT / "libs/platform/src/lifecase_platform/webui",
    ROOT / "services/intake/src/lifecase_intake/portal",
    ROOT / "services/routing/src/lifecase_routing/workspace_ui",
]
METHODS = [("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _texts(package: Path) -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(package, METHODS, OPTIONS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.mark.parametrize("package", UI_PACKAGES, ids=lambda p: p.name)
def test_every_page_text_has_a_danish_translation(package: Path) -> None:
    with (package / "locale/da/LC_MESSAGES/messages.po").open("rb") as source:
        catalogue = read_po(source)
    texts = _texts(package)
    assert texts, "no texts found: is the extraction pattern right?"
    problems = []
    for text in sorted(texts, key=str):
        key = text if isinstance(text, str) else text[0]
        entry = catalogue.get(key)
        translations = (
            []
            if entry is None
            else [entry.string]
            if isinstance(entry.string, str)
            else list(entry.string or ())
        )
        if entry is None or entry.fuzzy or not all(translations):
            problems.append(f"untranslated: {text!r}")
            continue
        wanted = set(PLACEHOLDER.findall(key))
        for translation in translations:
            if not set(PLACEHOLDER.findall(translation)) <= wanted | {"num"}:
                problems.append(f"placeholders differ: {text!r}")
    assert not problems, "run 'make messages' and translate:\n" + "\n".join(problems)
