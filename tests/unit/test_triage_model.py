"""The triage model: scrubbing, the seed/held-out accuracy, explanations, serialization."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from lifecase_routing.triage import Example, TriageModel, dumps, loads, scrub, seed_examples, train
from lifecase_routing.triage.model import evaluate

HELDOUT = Path(__file__).resolve().parents[2] / "bench" / "data" / "triage_heldout.jsonl"


@cache
def seed_model() -> TriageModel:
    life_events, units = seed_examples()
    return train(life_events, units)


def heldout() -> list[Example]:
    rows = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line]
    return [Example(text=row["text"], label=row["label"]) for row in rows]


def fold(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.mark.parametrize(
    "text",
    [
        "hendes cpr er 010190-1234",
        "cpr 0101901234 tak",
        "skriv til mette.hansen@kommune.dk",
        "ring på 12 34 56 78",
        "ring på +45 12345678",
    ],
)
def test_scrub_removes_identifiers(text: str) -> None:
    scrubbed = scrub(text)
    for secret in ("010190", "1234", "0101901234", "mette.hansen", "@", "12 34 56 78", "12345678"):
        assert secret not in scrubbed


def test_scrub_keeps_dates_and_words() -> None:
    assert scrub("hun skal på barsel fra 1. april") == "hun skal på barsel fra 1. april"
    assert scrub("start den 3/2 i 2027") == "start den 3/2 i 2027"


def test_parental_leave_is_suggested_with_its_word() -> None:
    suggestions = seed_model().life_events.predict("hun skal på barsel fra 1. april")
    assert suggestions[0].label == "parental_leave"
    assert suggestions[0].probability >= 0.5
    assert "barsel" in suggestions[0].words
    assert len(suggestions) == 3
    assert [s.probability for s in suggestions] == sorted(
        (s.probability for s in suggestions), reverse=True
    )


def test_units_classify_general_requests() -> None:
    units = seed_model().units
    assert units.predict("kan ikke logge på outlook")[0].label == "it"
    assert units.predict("adgangskortet virker ikke")[0].label == "facilities"
    assert set(units.labels) == {"hr", "payroll", "it", "facilities"}


def test_heldout_accuracy() -> None:
    """The Done-when figure: the shipped held-out set, with the model trained on the seed only."""
    examples = heldout()
    assert len(examples) >= 300
    result = evaluate(seed_model().life_events, examples, threshold=0.5)
    assert result.accuracy >= 0.85, result.to_json()
    assert result.top3 >= 0.95, result.to_json()
    # Every below-threshold text is counted as going to triage.
    triaged = sum(row.get("triage", 0) for row in result.confusion.values())
    assert triaged / len(examples) == pytest.approx(result.below_threshold)


def test_training_records_evaluation_and_sources() -> None:
    model = seed_model()
    life_events, units = seed_examples()
    assert model.trained_on == {"seed": len(life_events) + len(units)}
    evaluation = model.evaluation["life_events"]
    assert evaluation.accuracy >= 0.85
    assert set(evaluation.per_class) == set(model.life_events.labels)
    assert json.loads(json.dumps(evaluation.to_json()))["threshold"] == 0.5
    assert len(life_events) >= 5 * 120 and len(units) >= 4 * 60


def test_seed_counts_per_class() -> None:
    life_events, units = seed_examples()
    for label in ("hiring", "termination", "leave_of_absence", "parental_leave", "general_request"):
        assert sum(e.label == label for e in life_events) >= 120
    for label in ("hr", "payroll", "it", "facilities"):
        assert sum(e.label == label for e in units) >= 60


def test_heldout_and_seed_are_disjoint() -> None:
    life_events, units = seed_examples()
    seed = {fold(e.text) for e in [*life_events, *units]}
    overlap = [e.text for e in heldout() if fold(e.text) in seed]
    assert overlap == []


def test_model_bytes_hold_no_cpr_or_name_from_training() -> None:
    life_events, units = seed_examples()
    secret = Example(
        text="Zaphirella Quambrosius (cpr 240387-4471) skal på barsel fra 1. maj",
        label="parental_leave",
    )
    data = dumps(train([*life_events, secret], units))
    for needle in ("240387", "4471", "2403874471", "zaphirella", "quambrosius", "Zaphirella"):
        assert needle.encode() not in data
        assert needle.encode("utf-16-le") not in data
        assert needle.encode("utf-32-le") not in data


def test_dumps_loads_round_trip_predicts_the_same() -> None:
    model = seed_model()
    loaded = loads(dumps(model))
    for text in (
        "vi har en ny vikar i køkkenet på mandag",
        "Peter stopper til nytår",
        "printeren driller",
    ):
        assert loaded.life_events.predict(text) == model.life_events.predict(text)
        assert loaded.units.predict(text) == model.units.predict(text)
    assert loaded.evaluation == model.evaluation
    with pytest.raises(ValueError):
        loads(b"something else")


def test_training_is_deterministic_and_weighted() -> None:
    life_events = [
        Example("ny medarbejder starter", "hiring"),
        Example("ny medarbejder starter mandag", "hiring"),
        Example("medarbejder stopper", "termination"),
        Example("medarbejder stopper fredag", "termination", weight=2.0),
    ]
    units = [Example("printer virker ikke", "it"), Example("printer virker ikke igen", "it")]
    first = train(life_events, units, seed=3)
    second = train(life_events, units, seed=3)
    text = "ny medarbejder starter på mandag"
    assert first.life_events.predict(text) == second.life_events.predict(text)
    assert first.life_events.predict(text)[0].label == "hiring"


def test_tiny_and_singleton_labels_do_not_crash() -> None:
    life_events = [
        Example("ny medarbejder starter", "hiring"),
        Example("ny medarbejder starter mandag", "hiring"),
        Example("en helt enestående tekst", "termination", source="transfer"),
    ]
    model = train(life_events, [Example("kun en", "hr")])
    assert model.evaluation["life_events"].per_class["termination"]["support"] == 0.0
    assert model.trained_on == {"seed": 3, "transfer": 1}
    assert model.life_events.predict("ny medarbejder")[0].label == "hiring"
    assert model.units.predict("noget")[0].label == "hr"
    empty = train([], [])
    assert empty.life_events.predict("noget") == []
