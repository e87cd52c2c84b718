"""The committed event catalogue is the generated one: regenerate it when events change."""

from __future__ import annotations

import json
from pathlib import Path

from lifecase_contracts.asyncapi import document
from lifecase_contracts.events import EVENT_TYPES

CATALOGUE = Path(__file__).parents[2] / "docs" / "events" / "asyncapi.json"


def test_the_committed_catalogue_matches_the_event_models() -> None:
    committed = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert committed == document(), (
        "docs/events/asyncapi.json is stale: run "
        "`.venv/bin/lifecase events > docs/events/asyncapi.json`"
    )


def test_every_event_type_has_a_channel_at_its_subject() -> None:
    addresses = {c["address"] for c in document()["channels"].values()}
    assert addresses == set(EVENT_TYPES)
