"""A request classifier that learns from staff decisions: which request type a post is, if any.

The classes are the request types plus "not a request". At every retrain, candidate models
(`model`: the rule-seeded design, a tuned linear baseline, their calibrated blend) are compared
by repeated stratified cross-validation on the decisions (`selection`); the best is refitted on
all of them and stored with why it won and honest per-type figures (`store`).
"""

from .model import (
    CHATTER_SEEDS,
    KINDS,
    NOT_A_REQUEST,
    RequestClassifier,
    label_for,
    normalize_all,
    seed_examples,
)
from .selection import Selection, fit_selected, select, wilson
from .store import (
    DECIDED_NEGATIVE,
    DECIDED_POSITIVE,
    Prediction,
    active_classifier,
    classify,
    decided_examples,
    predict,
    route,
    routing_confidence,
    train,
)

__all__ = [
    "CHATTER_SEEDS",
    "DECIDED_NEGATIVE",
    "DECIDED_POSITIVE",
    "KINDS",
    "NOT_A_REQUEST",
    "Prediction",
    "RequestClassifier",
    "Selection",
    "active_classifier",
    "classify",
    "decided_examples",
    "fit_selected",
    "label_for",
    "normalize_all",
    "predict",
    "route",
    "routing_confidence",
    "seed_examples",
    "select",
    "train",
    "wilson",
]
