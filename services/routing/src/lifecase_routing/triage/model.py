"""The triage model: two linear text classifiers (life events, unit queues) in one bundle.

Each classifier is TF-IDF over character n-grams (``char_wb`` 2-5) and word n-grams (1-2) feeding
a logistic regression: its probabilities decide between a suggestion and the triage fallback, its
coefficients explain a suggestion by the words of the text that weighed most. ``min_df=2`` keeps
every n-gram seen in only one training text (a name, a number) out of the vocabulary, and all text
is scrubbed (:func:`lifecase_routing.triage.scrub.scrub`) before training and prediction, so the
fitted model holds no CPR number and no name from a single report.
"""

from __future__ import annotations

import json
import math
import pickle
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from lifecase_routing.triage.scrub import scrub

LIFE_EVENTS = "life_events"
UNITS = "units"
TRIAGE = "triage"
"""The pseudo-label of the confusion matrix for texts below the threshold (they go to triage)."""

_FORMAT = b"lifecase-triage-model/1\n"
_MAX_FEATURES = 40_000
_WORD_PATTERN = r"(?u)\b\w\w+\b"
_TEST_SHARE = 0.2
# Function words explain nothing to a reporter: an explanation names n-grams with a content word.
_FUNCTION_WORDS = frozenset(
    """
    af at de den der det du efter en er et for fra har hun han hans hendes hos hvad i ikke jeg
    med min mine og om os på sig sin sit skal som til ud vi vil var vores være
    a an and at be for from has have he her his in is it my of on our she the to was we will with
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    source: str = "seed"  # seed | routed | transfer | free_text
    weight: float = 1.0


@dataclass(frozen=True)
class Suggestion:
    label: str
    probability: float
    words: tuple[str, ...]  # the words of the text that weighed most for this label


@dataclass(frozen=True)
class Evaluation:
    """How a classifier did on a held-out split of its training data."""

    accuracy: float  # top-1
    top3: float
    threshold: float
    below_threshold: float  # share of held-out texts that would go to triage
    per_class: dict[str, dict[str, float]]  # label -> {"precision":, "recall":, "support":}
    confusion: dict[str, dict[str, int]]  # true label -> predicted label (or "triage") -> count
    examples: int = 0  # size of the held-out split

    def to_json(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "top3": self.top3,
            "threshold": self.threshold,
            "below_threshold": self.below_threshold,
            "examples": self.examples,
            "per_class": {label: dict(values) for label, values in self.per_class.items()},
            "confusion": {label: dict(row) for label, row in self.confusion.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evaluation:
        return cls(
            accuracy=float(data["accuracy"]),
            top3=float(data["top3"]),
            threshold=float(data["threshold"]),
            below_threshold=float(data["below_threshold"]),
            per_class={
                k: {m: float(v) for m, v in d.items()} for k, d in data["per_class"].items()
            },
            confusion={k: {m: int(v) for m, v in d.items()} for k, d in data["confusion"].items()},
            examples=int(data.get("examples", 0)),
        )


@dataclass
class Classifier:
    """A fitted text classifier; build it with :meth:`fit`."""

    labels: tuple[str, ...]
    _chars: TfidfVectorizer | None = field(default=None, repr=False)
    _words: TfidfVectorizer | None = field(default=None, repr=False)
    _word_terms: tuple[str, ...] = field(default=(), repr=False)
    # One row of coefficients and one intercept per label (also for two labels), float32.
    _coef: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros((0, 0), np.float32), repr=False
    )
    _intercept: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros(0, np.float32), repr=False
    )

    @classmethod
    def fit(
        cls, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float] | None = None
    ) -> Classifier:
        """Fit on scrubbed ``texts``; any number of labels and examples (also one, or none)."""
        classes = tuple(sorted(set(labels)))
        if not classes:
            return cls(labels=())
        y = np.array([classes.index(label) for label in labels])
        w = np.ones(len(texts)) if weights is None else np.asarray(weights, dtype=float)
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2,
            max_features=_MAX_FEATURES,
            sublinear_tf=True,
            lowercase=True,
            dtype=np.float32,
        )
        words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            min_df=2,
            max_features=_MAX_FEATURES,
            sublinear_tf=True,
            lowercase=True,
            token_pattern=_WORD_PATTERN,
            dtype=np.float32,
        )
        try:
            x = sparse.hstack([chars.fit_transform(texts), words.fit_transform(texts)]).tocsr()
        except ValueError:
            # No n-gram occurs in two texts: nothing to learn from but the label frequencies.
            return cls._prior(classes, y, w)
        for vectorizer in (chars, words):
            # The terms cut by min_df/max_features (names, numbers seen once) must not be kept.
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        if len(classes) == 1:
            return cls._prior(classes, y, w, chars=chars, words=words)
        regression = LogisticRegression(C=5.0, max_iter=1000, solver="lbfgs")
        regression.fit(x, y, sample_weight=w)
        coef = np.asarray(regression.coef_, dtype=np.float32)
        intercept = np.asarray(regression.intercept_, dtype=np.float32)
        if len(classes) == 2:
            # Binary logistic regression keeps one row (for the second label); softmax over
            # (-z/2, z/2) gives the same probabilities and keeps every label's own row.
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
        terms = [""] * len(words.vocabulary_)
        for term, index in words.vocabulary_.items():
            terms[index] = term
        return cls(
            labels=classes,
            _chars=chars,
            _words=words,
            _word_terms=tuple(terms),
            _coef=coef,
            _intercept=intercept,
        )

    @classmethod
    def _prior(
        cls,
        classes: tuple[str, ...],
        y: npt.NDArray[Any],
        w: npt.NDArray[Any],
        *,
        chars: TfidfVectorizer | None = None,
        words: TfidfVectorizer | None = None,
    ) -> Classifier:
        totals = np.array([w[y == i].sum() for i in range(len(classes))], dtype=float)
        logits = np.log(np.maximum(totals, 1e-9) / max(totals.sum(), 1e-9)).astype(np.float32)
        return cls(labels=classes, _intercept=logits)

    def probabilities(self, text: str) -> npt.NDArray[np.float64]:
        """Probability per label (in the order of :attr:`labels`) for an unscrubbed text."""
        z, _ = self._logits(scrub(text))
        return _softmax(z)

    def _logits(self, text: str) -> tuple[npt.NDArray[np.float64], sparse.csr_matrix | None]:
        if self._chars is None or self._words is None:
            return self._intercept.astype(np.float64), None
        chars = self._chars.transform([text])
        words = self._words.transform([text]).tocsr()
        x = sparse.hstack([chars, words]).tocsr()
        z = np.asarray(x @ self._coef.T, dtype=np.float64).ravel() + self._intercept
        return z, words

    def predict(self, text: str, k: int = 3) -> list[Suggestion]:
        """The ``k`` most probable labels for ``text``, best first, each with its words."""
        if not self.labels or k <= 0:
            return []
        z, words = self._logits(scrub(text))
        p = _softmax(z)
        order = sorted(range(len(self.labels)), key=lambda i: (-p[i], self.labels[i]))[:k]
        return [Suggestion(self.labels[i], float(p[i]), self._explain(i, words)) for i in order]

    def _explain(self, label: int, words: sparse.csr_matrix | None) -> tuple[str, ...]:
        """The word n-grams of the text with the largest positive coef x tf-idf for ``label``."""
        if words is None or words.nnz == 0:
            return ()
        offset = self._coef.shape[1] - words.shape[1]
        weights = self._coef[label, offset + words.indices] * words.data
        ranked = sorted(
            zip(weights.tolist(), words.indices.tolist(), strict=True), key=lambda t: (-t[0], t[1])
        )
        words_of_text = [
            self._word_terms[i]
            for weight, i in ranked
            if weight > 0 and _is_content(self._word_terms[i])
        ]
        return tuple(words_of_text[:3])


@dataclass(frozen=True)
class TriageModel:
    life_events: Classifier
    units: Classifier
    evaluation: dict[str, Evaluation]  # {"life_events": ..., "units": ...}
    trained_on: dict[str, int]  # counts per source, e.g. {"seed": 640, "transfer": 3}

    @property
    def threshold(self) -> float:
        """The probability below which a suggestion is not trusted (the text goes to triage)."""
        evaluation = self.evaluation.get(LIFE_EVENTS)
        return evaluation.threshold if evaluation is not None else 0.5


def _is_content(term: str) -> bool:
    return any(token not in _FUNCTION_WORDS and not token.isdigit() for token in term.split())


def _softmax(z: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    if z.size == 0:
        return np.zeros(0)
    e = np.exp(np.asarray(z, dtype=np.float64) - np.max(z))
    result: npt.NDArray[np.float64] = e / e.sum()
    return result


def _read_seed(name: str) -> list[Example]:
    path = resources.files("lifecase_routing.triage").joinpath("seed", name)
    examples: list[Example] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(text=row["text"], label=row["label"], source="seed"))
    return examples


def seed_examples() -> tuple[list[Example], list[Example]]:
    """The shipped seed set: (life-event examples, unit examples)."""
    return _read_seed("life_events.jsonl"), _read_seed("units.jsonl")


def _split(examples: Sequence[Example], seed: int) -> tuple[list[int], list[int]]:
    """A stratified split: (indices to fit on, to evaluate on); one-off labels are fitted on."""
    by_label: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        by_label.setdefault(example.label, []).append(i)
    rng = random.Random(seed)
    fit: list[int] = []
    held: list[int] = []
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        n = 0 if len(indices) < 2 else max(1, round(len(indices) * _TEST_SHARE))
        held.extend(indices[:n])
        fit.extend(indices[n:])
    return sorted(fit), sorted(held)


def evaluate(classifier: Classifier, examples: Sequence[Example], threshold: float) -> Evaluation:
    """Top-1/top-3 accuracy, per-class precision/recall, the confusion with the triage fallback."""
    labels = sorted(set(classifier.labels) | {e.label for e in examples})
    confusion: dict[str, dict[str, int]] = {}
    predicted_count: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    support: Counter[str] = Counter(e.label for e in examples)
    top1 = top3 = below = 0
    for example in examples:
        suggestions = classifier.predict(example.text, k=3)
        best = suggestions[0] if suggestions else None
        if best is not None:
            predicted_count[best.label] += 1
            if best.label == example.label:
                top1 += 1
                correct[example.label] += 1
        if any(s.label == example.label for s in suggestions):
            top3 += 1
        outcome = best.label if best is not None and best.probability >= threshold else TRIAGE
        below += outcome == TRIAGE
        row = confusion.setdefault(example.label, {})
        row[outcome] = row.get(outcome, 0) + 1
    n = len(examples)
    per_class = {
        label: {
            "precision": correct[label] / predicted_count[label] if predicted_count[label] else 0.0,
            "recall": correct[label] / support[label] if support[label] else 0.0,
            "support": float(support[label]),
        }
        for label in labels
    }
    return Evaluation(
        accuracy=top1 / n if n else 0.0,
        top3=top3 / n if n else 0.0,
        threshold=threshold,
        below_threshold=below / n if n else 0.0,
        per_class=per_class,
        confusion=confusion,
        examples=n,
    )


def _fit(examples: Sequence[Example]) -> Classifier:
    texts = [scrub(e.text) for e in examples]
    return Classifier.fit(texts, [e.label for e in examples], [e.weight for e in examples])


def _train_one(
    examples: Sequence[Example], threshold: float, seed: int
) -> tuple[Classifier, Evaluation]:
    fit, held = _split(examples, seed)
    if held:
        evaluation = evaluate(
            _fit([examples[i] for i in fit]), [examples[i] for i in held], threshold
        )
        # Labels seen only once are counted with no held-out support.
        for label in {e.label for e in examples} - set(evaluation.per_class):
            evaluation.per_class[label] = {"precision": 0.0, "recall": 0.0, "support": 0.0}
    else:
        evaluation = evaluate(Classifier(labels=()), [], threshold)
    return _fit(examples), evaluation


def train(
    life_events: Sequence[Example],
    units: Sequence[Example],
    *,
    threshold: float = 0.5,
    seed: int = 0,
) -> TriageModel:
    """Evaluate each classifier on a stratified 20% split (seeded), then fit it on all examples."""
    if not 0.0 <= threshold <= 1.0 or math.isnan(threshold):
        raise ValueError("threshold must be within [0, 1]")
    life_classifier, life_evaluation = _train_one(life_events, threshold, seed)
    unit_classifier, unit_evaluation = _train_one(units, threshold, seed)
    sources = Counter(e.source for e in [*life_events, *units])
    return TriageModel(
        life_events=life_classifier,
        units=unit_classifier,
        evaluation={LIFE_EVENTS: life_evaluation, UNITS: unit_evaluation},
        trained_on=dict(sorted(sources.items())),
    )


def dumps(model: TriageModel) -> bytes:
    """Serialize a model (pickle of the fitted classifiers, behind a format header).

    The bytes are stored in routing's own database and loaded only from there (:func:`loads`);
    pickle is never used on bytes from anywhere else.
    """
    return _FORMAT + pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> TriageModel:
    """The model :func:`dumps` serialized (read from routing's own database only)."""
    if not data.startswith(_FORMAT):
        raise ValueError("not a triage model")
    model = pickle.loads(data[len(_FORMAT) :])
    if not isinstance(model, TriageModel):
        raise ValueError("not a triage model")
    return model
