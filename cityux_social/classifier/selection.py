"""Choosing the model at each retrain, and the quality figures staff are shown. Pure (no database).

Repeated stratified k-fold cross-validation on the staff decisions: every decision is predicted
by models that did not learn from it, once per repeat. The seeded and baseline candidates are
fitted in every fold; the blend mixes their held-out probabilities. Each candidate is
calibrated (temperature) on its held-out probabilities and scored by macro-F1 over request types
("not a request" is a class but not in the average); the best mean score wins, and its
held-out predictions give the figures: per-type precision and recall with Wilson intervals
(a type with fewer than `min_per_type` decisions is "too few decisions to say") and the lowest
confidence threshold whose routed precision reaches the target with one-sided 90 % confidence.

Decisions of a class with fewer than `folds` examples are always trained on, never scored.
"""

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from .model import (
    NOT_A_REQUEST,
    RequestClassifier,
    aligned,
    baseline_pipeline,
    calibrate,
    fit_seeded,
)

BLEND_WEIGHTS = (0.2, 0.4, 0.6, 0.8)
Z95 = 1.959964  # two-sided 95 % intervals
Z90_ONE_SIDED = 1.281552  # the routing threshold's lower bound


def wilson(successes, n, z=Z95):
    """Wilson score interval (low, high) of a proportion; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def fit_temperature(probabilities, truth_index):
    """The temperature that minimises the log loss of `probabilities` on the true classes."""

    def loss(log_t):
        p = calibrate(probabilities, math.exp(log_t))
        return -np.mean(np.log(np.clip(p[np.arange(len(truth_index)), truth_index], 1e-12, 1)))

    result = minimize_scalar(loss, bounds=(math.log(0.05), math.log(20.0)), method="bounded")
    return float(math.exp(result.x))


@dataclass
class Selection:
    """What a retrain decided: the kind, why, and the quality figures of the chosen kind."""

    kind: str
    reason: str
    candidates: dict = field(default_factory=dict)  # kind -> {"macro_f1", "spread", ...}
    weight: float = 0.5
    temperature: float = 1.0
    per_type: dict = field(default_factory=dict)  # label -> figures, or {"too_few": True, ...}
    precision: float | None = None  # macro over request types with enough decisions
    recall: float | None = None
    macro_f1: float | None = None
    threshold: float | None = None
    routed_precision: float | None = None
    coverage: float | None = None
    measured: bool = False  # False: too few decisions to cross-validate at all


def held_out_predictions(texts, labels, seeds, classes, folds, repeats, random_state):
    """{"seeded": P, "baseline": P} of shape (repeats, n, classes) and the scored row mask."""
    labels = np.asarray(labels)
    values, counts = np.unique(labels, return_counts=True)
    scored = np.isin(labels, values[counts >= folds])
    always = np.flatnonzero(~scored)
    rows = np.flatnonzero(scored)
    out = {name: np.zeros((repeats, len(labels), len(classes))) for name in ("seeded", "baseline")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for repeat in range(repeats):
            splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state + repeat)
            for train, test in splitter.split(rows, labels[rows]):
                train_rows = np.concatenate([rows[train], always])
                test_rows = rows[test]
                train_texts = [texts[i] for i in train_rows]
                test_texts = [texts[i] for i in test_rows]
                seeded = fit_seeded(train_texts, list(labels[train_rows]), seeds)
                out["seeded"][repeat, test_rows] = aligned(seeded, test_texts, classes)
                baseline = baseline_pipeline(random_state).fit(train_texts, labels[train_rows])
                out["baseline"][repeat, test_rows] = aligned(baseline, test_texts, classes)
    return out, scored


def log_likelihood(probabilities, truth_index):
    rows = np.arange(truth_index.shape[-1])
    picked = probabilities[:, rows, truth_index]
    return float(np.mean(np.log(np.clip(picked, 1e-12, 1))))


def blend(seeded, baseline, weight):
    """The blend's probabilities: `weight` of the seeded model's and the rest of the baseline's."""
    return weight * seeded + (1 - weight) * baseline


def blend_weight(seeded, baseline, truth_index):
    """The weight of `BLEND_WEIGHTS` whose blend gives the true classes the highest likelihood."""
    return max(BLEND_WEIGHTS, key=lambda w: log_likelihood(blend(seeded, baseline, w), truth_index))


def macro_f1_by_repeat(probabilities, truth, classes, type_labels):
    names = np.asarray(classes)
    return [
        f1_score(
            truth, names[p.argmax(axis=1)], labels=type_labels, average="macro", zero_division=0
        )
        for p in probabilities
    ]


def per_type_figures(probabilities, truth, classes, labels_all, min_per_type):
    """Pooled per-type precision and recall with 95 % Wilson intervals (n per repeat)."""
    repeats = len(probabilities)
    names = np.asarray(classes)
    predicted = np.stack([names[p.argmax(axis=1)] for p in probabilities])
    figures = {}
    for label in sorted(set(labels_all)):
        decisions = int(np.sum(np.asarray(labels_all) == label))
        if decisions < min_per_type:
            figures[label] = {"decisions": decisions, "too_few": True}
            continue
        actual = truth == label
        hits = int(np.sum((predicted == label) & actual[None, :]))
        said = int(np.sum(predicted == label))
        n_actual = int(np.sum(actual)) * repeats
        figure = {"decisions": decisions, "too_few": False}
        for name, n in (("precision", said), ("recall", n_actual)):
            value = hits / n if n else None
            low, high = wilson(hits / repeats, n / repeats) if n else (None, None)
            figure.update({name: value, f"{name}_low": low, f"{name}_high": high})
        figures[label] = figure
    return figures


def routing_threshold(probabilities, truth, classes, target):
    """(threshold, routed precision, coverage) of the lowest confidence whose routed requests
    reach `target` precision with one-sided 90 % confidence; (None, None, None) if none does."""
    repeats = len(probabilities)
    names = np.asarray(classes)
    best = np.concatenate([p.argmax(axis=1) for p in probabilities])
    confidence = np.concatenate([p.max(axis=1) for p in probabilities])
    truth_all = np.tile(truth, repeats)
    routed = names[best] != NOT_A_REQUEST
    order = np.argsort(-confidence[routed], kind="stable")
    conf = confidence[routed][order]
    correct = (names[best][routed] == truth_all[routed])[order]
    requests = int(np.sum(truth_all != NOT_A_REQUEST))
    hits = np.cumsum(correct)
    chosen = None
    for k in range(len(conf)):
        if k + 1 < len(conf) and conf[k + 1] == conf[k]:
            continue  # a threshold takes every post of equal confidence
        low, _ = wilson(hits[k] / repeats, (k + 1) / repeats, Z90_ONE_SIDED)
        if low >= target:
            chosen = k
    if chosen is None:
        return None, None, None
    return (
        float(conf[chosen]),
        float(hits[chosen] / (chosen + 1)),
        float(hits[chosen] / requests) if requests else None,
    )


def select(decisions, seeds, *, folds=5, repeats=3, min_per_type=10, target_precision=0.9,
           random_state=0):  # fmt: skip
    """The Selection for `decisions` ((text, label) pairs) and rule `seeds`."""
    texts = [text for text, _ in decisions]
    labels = [label for _, label in decisions]
    classes = sorted(set(labels) | {label for _, label in seeds})
    values, counts = np.unique(labels, return_counts=True) if labels else ([], [])
    scorable = [v for v, c in zip(values, counts, strict=True) if c >= folds]
    type_labels = [v for v in scorable if v != NOT_A_REQUEST]
    if len(scorable) < 2 or not type_labels:
        return Selection(
            kind="seeded",
            reason=(
                f"Too few decisions to compare models (a type needs {folds} and at least two "
                "kinds are needed): the rule seeds' model is used."
            ),
            per_type={
                label: {"decisions": labels.count(label), "too_few": True}
                for label in sorted(set(labels))
            },
        )
    held, scored = held_out_predictions(texts, labels, seeds, classes, folds, repeats, random_state)
    truth = np.asarray(labels)[scored]
    truth_index = np.searchsorted(classes, truth)
    raw = {name: p[:, scored] for name, p in held.items()}
    weight = blend_weight(raw["seeded"], raw["baseline"], truth_index)
    raw["blend"] = blend(raw["seeded"], raw["baseline"], weight)
    candidates, calibrated = {}, {}
    for name, probabilities in raw.items():
        temperature = fit_temperature(probabilities.reshape(-1, len(classes)),
                                      np.tile(truth_index, repeats))  # fmt: skip
        calibrated[name] = np.stack([calibrate(p, temperature) for p in probabilities])
        scores = macro_f1_by_repeat(calibrated[name], truth, classes, type_labels)
        threshold, routed_precision, coverage = routing_threshold(
            calibrated[name], truth, classes, target_precision
        )
        candidates[name] = {
            "macro_f1": float(np.mean(scores)),
            "spread": float(np.std(scores)),
            "temperature": temperature,
            "threshold": threshold,
            "routed_precision": routed_precision,
            "coverage": coverage,
        }
    candidates["blend"]["weight"] = weight
    kind = max(candidates, key=lambda name: (candidates[name]["macro_f1"], name == "baseline"))
    ranking = ", ".join(
        f"{name} {c['macro_f1']:.1%} ± {c['spread']:.1%}"
        for name, c in sorted(candidates.items(), key=lambda item: -item[1]["macro_f1"])
    )
    reason = (
        f"Highest macro-F1 over request types in {repeats}×{folds}-fold cross-validation on "
        f"{int(scored.sum())} decisions: {ranking}."
    )
    figures = per_type_figures(calibrated[kind], truth, classes, labels, min_per_type)
    measured_types = [
        f for label, f in figures.items() if label != NOT_A_REQUEST and not f["too_few"]
    ]

    def macro(name):
        values = [f[name] for f in measured_types if f[name] is not None]
        return float(np.mean(values)) if values else None

    return Selection(
        kind=kind,
        reason=reason,
        candidates=candidates,
        weight=weight,
        temperature=candidates[kind]["temperature"],
        per_type=figures,
        precision=macro("precision"),
        recall=macro("recall"),
        macro_f1=candidates[kind]["macro_f1"],
        threshold=candidates[kind]["threshold"],
        routed_precision=candidates[kind]["routed_precision"],
        coverage=candidates[kind]["coverage"],
        measured=True,
    )


def fit_selected(decisions, seeds, selection):
    """The selected kind refitted on every decision, with the selection's calibration."""
    classifier = RequestClassifier(selection.kind, selection.weight, selection.temperature)
    labels = [label for _, label in decisions]
    if selection.kind != "seeded" and len(set(labels)) < 2:
        classifier = RequestClassifier("seeded")
    return classifier.fit([t for t, _ in decisions], labels, seeds)
