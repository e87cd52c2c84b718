"""The committed event catalogue is the generated one: regenerate it when events change."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from lifecase_contracts.asyncapi import document, markdown
from lifecase_contracts.events import EVENT_TYPES

ROOT = Path(__file__).parents[2]
CATALOGUE = ROOT / "docs" / "events" / "asyncapi.json"
PAGES = ROOT / "docs" / "events" / "README.md"
CHECKER = ROOT / "tools" / "asyncapi-check" / "check.mjs"


def test_the_committed_catalogue_matches_the_event_models() -> None:
    committed = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert committed == document(), (
        "docs/events/asyncapi.json is stale: run "
        "`.venv/bin/lifecase events > docs/events/asyncapi.json`"
    )


def test_every_event_type_has_a_channel_at_its_subject() -> None:
    addresses = {c["address"] for c in document()["channels"].values()}
    assert addresses == set(EVENT_TYPES)


def test_the_committed_event_pages_match_the_catalogue() -> None:
    assert PAGES.read_text(encoding="utf-8") == markdown(), (
        "docs/events/README.md is stale: run "
        "`.venv/bin/lifecase events --format markdown > docs/events/README.md`"
    )


def test_the_asyncapi_parser_accepts_the_catalogue(tmp_path: Path) -> None:
    """The AsyncAPI initiative's own parser (``@asyncapi/parser``, installed by ``make test``
    from ``tools/asyncapi-check``) finds no error in the generated document."""
    node = shutil.which("node")
    assert node, "Node.js is needed to check the AsyncAPI document (Debian package nodejs)"
    assert (CHECKER.parent / "node_modules" / "@asyncapi" / "parser").is_dir(), (
        "the AsyncAPI parser is not installed: run `make asyncapi-check` (make test does)"
    )
    generated = tmp_path / "asyncapi.json"
    generated.write_text(json.dumps(document()), encoding="utf-8")
    result = subprocess.run(
        [node, str(CHECKER), str(generated)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {"errors": 0, "warnings": 0, "parsed": True}
