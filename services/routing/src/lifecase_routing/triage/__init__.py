"""Free-text triage: a small, explainable text classifier for life events and unit queues.

The model runs inside routing (it learns from routing's own history: routed sub-cases and
transfers); nothing leaves the municipality.
"""

from lifecase_routing.triage.extract import extract_fields
from lifecase_routing.triage.model import (
    Classifier,
    Evaluation,
    Example,
    Suggestion,
    TriageModel,
    dumps,
    loads,
    seed_examples,
    train,
)
from lifecase_routing.triage.scrub import scrub

__all__ = [
    "Classifier",
    "Evaluation",
    "Example",
    "Suggestion",
    "TriageModel",
    "dumps",
    "extract_fields",
    "loads",
    "scrub",
    "seed_examples",
    "train",
]
