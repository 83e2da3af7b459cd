"""Classifier quality: the selected model against the tuned baseline, by number of decisions.

    python bench/classifier.py [--sizes 50,200,1000,3000] [--test 3000] [--seed 1]

On the civic corpus (bench/civic_corpus.py: 7 request types plus "not a request", written for
this project, nothing downloaded) it trains, for each number of staff decisions, what a retrain
does (`select` by repeated stratified CV, then `fit_selected`) and the tuned baseline alone (word
1-2-grams, class-balanced, C by CV), and scores both on the same held-out posts: macro-F1 over
request types, and for the selected model the precision and coverage of the posts routed
without review at its threshold. Also the training time (CPU) of a retrain, and classification
speed of the selected model (posts/s by this process's CPU time, one core).

Target (issue 17): never below the tuned baseline beyond noise (the last column's interval is
a bootstrap 95 % interval of the macro-F1 difference on the held-out posts).
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityux.settings.test")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from bench.civic_corpus import RULES, posts  # noqa: E402
from cityux_social.classifier import (  # noqa: E402
    NOT_A_REQUEST,
    RequestClassifier,
    fit_selected,
    seed_examples,
    select,
)

TYPES = [str(rules.request_type_id) for rules in RULES]


def macro_f1(truth, predicted):
    return f1_score(truth, predicted, labels=TYPES, average="macro", zero_division=0)


def bootstrap_difference(truth, a, b, rounds=200, seed=0):
    """95 % bootstrap interval of macro-F1(a) - macro-F1(b) on resampled held-out posts."""
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(rounds):
        sample = rng.integers(0, len(truth), len(truth))
        differences.append(macro_f1(truth[sample], a[sample]) - macro_f1(truth[sample], b[sample]))
    return np.percentile(differences, [2.5, 97.5])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000,3000")
    parser.add_argument("--test", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    sizes = [int(size) for size in args.sizes.split(",")]
    pool = posts(max(sizes), seed=args.seed)
    held_out = posts(args.test, seed=args.seed + 1000)
    texts = [text for text, _ in held_out]
    truth = np.asarray([label for _, label in held_out])
    seeds = seed_examples(RULES)
    print(
        f"civic corpus: {len(held_out):,} held-out posts, "
        f"{np.mean(truth != NOT_A_REQUEST):.0%} requests over {len(TYPES)} types"
    )
    header = (
        f"{'decisions':>9}  {'selected':<8} {'macro-F1':>8} {'baseline':>8} {'diff':>6} "
        f"{'95% CI of diff':>15}  {'threshold':>9} {'routed P':>8} {'coverage':>8} "
        f"{'train s':>7}"
    )
    print(header)
    verdicts = []
    speed_model = None
    for size in sizes:
        decisions = pool[:size]
        start = time.process_time()
        selection = select(decisions, seeds)
        model = fit_selected(decisions, seeds, selection)
        train_seconds = time.process_time() - start
        baseline = RequestClassifier("baseline").fit(
            [t for t, _ in decisions], [label for _, label in decisions]
        )
        labels, confidences = model.predict(texts)
        labels, confidences = np.asarray(labels), np.asarray(confidences)
        base_labels = np.asarray(baseline.predict(texts)[0])
        selected_f1, baseline_f1 = macro_f1(truth, labels), macro_f1(truth, base_labels)
        low, high = bootstrap_difference(truth, labels, base_labels)
        routed = (labels != NOT_A_REQUEST) & (
            confidences >= (selection.threshold if selection.threshold is not None else 2.0)
        )
        routed_precision = np.mean(labels[routed] == truth[routed]) if routed.any() else None
        coverage = routed.sum() / np.sum(truth != NOT_A_REQUEST)
        threshold = "none" if selection.threshold is None else f"{selection.threshold:.2f}"
        routed_text = "—" if routed_precision is None else f"{routed_precision:.1%}"
        print(
            f"{size:>9}  {model.kind:<8} {selected_f1:>8.1%} {baseline_f1:>8.1%} "
            f"{(selected_f1 - baseline_f1) * 100:>+6.1f} "
            f"{f'[{low * 100:+.1f}, {high * 100:+.1f}]':>15}  {threshold:>9} "
            f"{routed_text:>8} {coverage:>8.1%} {train_seconds:>7.1f}"
        )
        verdicts.append(high >= 0)  # worse than the baseline beyond noise if the CI is below 0
        speed_model = model
    repeat_texts = texts * max(1, 20_000 // len(texts))
    start = time.process_time()
    speed_model.predict(repeat_texts)
    rate = len(repeat_texts) / (time.process_time() - start)
    print(f"classification ({speed_model.kind}, batch): {rate:,.0f} posts/s per CPU core")
    ok = all(verdicts)
    print(
        "selected model never worse than the tuned baseline beyond noise: "
        + ("yes" if ok else "NO")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
