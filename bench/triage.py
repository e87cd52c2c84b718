"""The free-text triage model on the shipped held-out set: accuracy, latency, memory.

Trains on the shipped seed set only, then evaluates on ``bench/data/triage_heldout.jsonl`` (texts
written like managers' reports, none of them in the seed): top-1 and top-3 accuracy, per-class
precision/recall and the share below the threshold (those reports go to triage). Beside it, in
the same run, two baselines: the majority class and a word-unigram Bernoulli naive Bayes.
Latency is per request (a prediction of the life event and the unit, then the field
extraction), memory is the resident size before and after loading the serialized model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import BernoulliNB

from bench.report import BenchmarkError, Result, machine, run_benchmark
from bench.stats import summarise
from lifecase_routing.triage import (
    Example,
    dumps,
    extract_fields,
    loads,
    scrub,
    seed_examples,
    train,
)
from lifecase_routing.triage.model import evaluate

HELDOUT = Path(__file__).parent / "data" / "triage_heldout.jsonl"
TODAY = date(2026, 12, 7)


def read_heldout(path: Path = HELDOUT) -> list[Example]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [Example(text=row["text"], label=row["label"], source="heldout") for row in rows]


# Run in a fresh interpreter, so the figure is not blurred by memory this process freed before.
_MEASURE_LOAD = """
import gc, json, sys
from pathlib import Path
from lifecase_routing.triage import loads

def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

data = Path(sys.argv[1]).read_bytes()
gc.collect()
before = rss()
model = loads(data)
model.life_events.predict("warm up")
gc.collect()
print(json.dumps({"rss_before_kib": before, "rss_after_kib": rss()}))
"""


def _load_memory(data: bytes) -> dict[str, int]:
    """Resident memory of a fresh process (libraries imported) before and after ``loads``."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model.bin"
        path.write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE_LOAD, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise BenchmarkError(f"measuring the loaded model failed: {done.stderr.strip()[-300:]}")
    figures: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _majority(train_set: Sequence[Example], heldout: Sequence[Example]) -> dict[str, float]:
    counts = Counter(e.label for e in train_set)
    ranked = [label for label, _ in counts.most_common()]
    top1 = sum(e.label == ranked[0] for e in heldout) / len(heldout)
    top3 = sum(e.label in ranked[:3] for e in heldout) / len(heldout)
    return {"accuracy": top1, "top3": top3}


def _keywords(train_set: Sequence[Example], heldout: Sequence[Example]) -> dict[str, float]:
    vectorizer = CountVectorizer(binary=True, token_pattern=r"(?u)\b\w\w+\b")
    x = vectorizer.fit_transform([scrub(e.text) for e in train_set])
    model = BernoulliNB().fit(x, [e.label for e in train_set])
    probabilities = model.predict_proba(vectorizer.transform([scrub(e.text) for e in heldout]))
    classes = list(model.classes_)
    top1 = top3 = 0
    for example, row in zip(heldout, probabilities, strict=True):
        ranked = [classes[i] for i in sorted(range(len(classes)), key=lambda i: -row[i])]
        top1 += ranked[0] == example.label
        top3 += example.label in ranked[:3]
    return {"accuracy": top1 / len(heldout), "top3": top3 / len(heldout)}


async def run(options: argparse.Namespace) -> Result:
    heldout = read_heldout(options.heldout)
    if not heldout:
        raise BenchmarkError(f"no held-out examples in {options.heldout}")
    life_events, units = seed_examples()
    started = time.perf_counter()
    model = train(life_events, units, threshold=options.threshold)
    training_s = time.perf_counter() - started
    data = dumps(model)
    memory = _load_memory(data)
    loaded = loads(data)

    result = evaluate(loaded.life_events, heldout, options.threshold)
    texts = [heldout[i % len(heldout)].text for i in range(options.predictions)]
    predict_latencies: list[float] = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        loaded.life_events.predict(text, k=3)
        loaded.units.predict(text, k=1)
        predict_latencies.append(time.perf_counter() - t0)
    predict_wall = time.perf_counter() - started
    extract_latencies: list[float] = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        for event in ("hiring", "termination", "leave_of_absence", "parental_leave"):
            extract_fields(text, life_event=event, today=TODAY)
        extract_latencies.append(time.perf_counter() - t0)
    extract_wall = time.perf_counter() - started

    return {
        "benchmark": "triage",
        "machine": machine(),
        "seed_examples": {"life_events": len(life_events), "units": len(units)},
        "heldout_examples": len(heldout),
        "heldout_labels": dict(sorted(Counter(e.label for e in heldout).items())),
        "model": result.to_json(),
        "split_evaluation": {name: e.to_json() for name, e in loaded.evaluation.items()},
        "baselines": {
            "majority": _majority(life_events, heldout),
            "bernoulli_nb_words": _keywords(life_events, heldout),
        },
        "latency": {
            "predict": summarise(predict_latencies, predict_wall).as_dict(),
            "extract": summarise(extract_latencies, extract_wall).as_dict(),
        },
        "memory": {
            "serialized_bytes": len(data),
            **memory,
            "rss_delta_kib": memory["rss_after_kib"] - memory["rss_before_kib"],
        },
        "training_s": round(training_s, 3),
    }


def table(result: Result) -> str:
    model = result["model"]
    baselines = result["baselines"]
    lines = [
        f"triage: {result['heldout_examples']} held-out reports, trained on "
        f"{result['seed_examples']['life_events']} + {result['seed_examples']['units']} seed "
        "examples "
        f"in {result['training_s']:.2f} s",
        f"{'predictor':<22}{'top-1':>8}{'top-3':>8}{'triage':>8}",
        f"{'model':<22}{model['accuracy']:>8.3f}{model['top3']:>8.3f}{model['below_threshold']:>8.3f}",
    ]
    for name, figures in baselines.items():
        lines.append(f"{name:<22}{figures['accuracy']:>8.3f}{figures['top3']:>8.3f}{'-':>8}")
    lines.append(f"{'class':<22}{'prec':>8}{'recall':>8}{'n':>8}")
    for label, figures in model["per_class"].items():
        lines.append(
            f"{label:<22}{figures['precision']:>8.3f}{figures['recall']:>8.3f}{figures['support']:>8.0f}"
        )
    lines.append(f"{'latency per request':<22}{'p50 ms':>8}{'p99 ms':>8}{'n':>8}")
    for name, figures in result["latency"].items():
        lines.append(
            f"{name:<22}{figures['p50_ms']:>8.3f}{figures['p99_ms']:>8.3f}{figures['count']:>8}"
        )
    memory = result["memory"]
    lines.append(
        f"model: {memory['serialized_bytes'] / 1024:.0f} KiB serialized, resident "
        f"+{memory['rss_delta_kib'] / 1024:.1f} MiB on load "
        f"({memory['rss_before_kib'] / 1024:.0f} -> {memory['rss_after_kib'] / 1024:.0f} MiB)"
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.triage", description=__doc__)
    parser.add_argument(
        "--json", dest="json_path", type=Path, default=None, help="write the JSON result here"
    )
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="the held-out JSONL file")
    parser.add_argument(
        "--predictions", type=int, default=2000, help="requests timed (at least 1000)"
    )
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="below it a report goes to triage"
    )
    options = parser.parse_args(argv)
    if options.predictions < 1:
        parser.error("--predictions must be positive")
    return run_benchmark(lambda: run(options), table, options.json_path)


if __name__ == "__main__":
    raise SystemExit(main())
