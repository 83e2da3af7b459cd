"""Classifier throughput: batch `predict` against a per-post loop, on the same synthetic posts.

    .venv/bin/python bench/social_classifier.py [--posts 20000] [--seed 7] [--repeat 3]

Trains the request classifier (TF-IDF word + character n-grams, logistic regression) on
synthetic staff decisions plus the request types' seed examples, then classifies `--posts`
seeded synthetic posts three ways and prints posts/s (best of `--repeat` runs):

- model, batch: `RequestClassifier.predict` on all posts at once (what ingestion does);
- full classification, batch: the rules matcher on every post + the batch model + routing
  (everything `classifier.classify` does except reading request types from the database);
- baseline, per-post loop: `predict` called once per post (measured on a sample).

Budget: ≥ 5,000 posts/s for the full classification, per CPU core. Rates are printed both by
wall clock and by this process's CPU time: on a shared machine the wall clock also counts the
time other processes had the CPU, so the verdict uses CPU time (one dedicated worker core).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "cityux.settings.test"

import django  # noqa: E402

django.setup()

from cityux_social.classifier import (  # noqa: E402
    NOT_A_REQUEST,
    Prediction,
    RequestClassifier,
    route,
    seed_examples,
)
from cityux_social.rules import Matcher, RuleSet  # noqa: E402

BUDGET = 5_000
RULES = [
    RuleSet(
        1,
        keywords=("pothole", "sinkhole"),
        phrases=("hole in the road",),
        hashtags=("#pothole",),
        mentions=("@CityHelp",),
    ),
    RuleSet(
        2,
        keywords=("garbage", "trash", "recycling"),
        phrases=("missed pickup", "not picked up"),
        hashtags=("#trashday",),
        mentions=("@CityHelp",),
    ),
    RuleSet(
        3,
        keywords=("abandoned", "overgrown", "junk"),
        phrases=("junk car",),
        patterns=(r"\bweeds? (?:taller|higher) than\b",),
    ),
    RuleSet(4, keywords=("streetlight", "graffiti"), phrases=("light out",)),
]
DEPARTMENTS = {1: 8, 2: 19, 3: 14, 4: 8}
STREETS = [
    "Elm Street",
    "Oak Lane",
    "Main and 3rd",
    "Birch Road",
    "Cedar Drive",
    "Poplar St",
    "Hazel Road",
    "5th Avenue",
    "Willow Way",
    "Chestnut Lane",
    "Juniper Court",
]
TEMPLATES = {
    "1": [
        "Huge pothole on {s}, my tire is flat",
        "There's a sinkhole forming at {s}",
        "The hole in the road on {s} keeps getting worse",
        "potholes all along {s} @CityHelp",
        "Road crumbling near {s}, someone will get hurt #pothole",
    ],
    "2": [
        "Garbage not picked up on {s} again",
        "Missed pickup on {s}, trash everywhere",
        "Recycling bins still full on {s} #trashday",
        "The trash truck skipped {s} this week",
        "Nobody collected the bins on {s} @CityHelp",
    ],
    "3": [
        "Junk car abandoned on {s} for a month",
        "Overgrown lot on {s}, weeds taller than me",
        "Abandoned house on {s} with broken windows",
        "Junk piled up in the yard at {s}",
    ],
    "4": [
        "Streetlight out on {s} since Monday",
        "Graffiti all over the bridge at {s}",
        "Light out at the crosswalk on {s}, very dark at night",
    ],
    NOT_A_REQUEST: [
        "Lovely concert near {s} tonight",
        "Best coffee in town is on {s}",
        "Great game at the park by {s}!",
        "Farmers market on {s} this Saturday",
        "Sunset over the river from {s} was stunning",
        "Anyone know a plumber near {s}?",
        "Our team won the league final, party on {s}",
    ],
}
FILLER = ["honestly", "again", "please", "today", "ugh", "!!", "thanks", "this morning", "lol"]


def synthetic_posts(count, rng):
    """(text, label) pairs from the templates, with random streets and filler words."""
    labels = list(TEMPLATES)
    weights = [0.15, 0.15, 0.1, 0.05, 0.55]
    posts = []
    for _ in range(count):
        label = rng.choices(labels, weights)[0]
        text = rng.choice(TEMPLATES[label]).format(s=rng.choice(STREETS))
        text = " ".join([text, *rng.sample(FILLER, rng.randint(0, 3))])
        posts.append((text, label))
    return posts


def best_of(repeat, function):
    """(best wall-clock seconds, best CPU seconds of this process) over `repeat` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def full_classification(model, matcher, texts):
    labels, confidences = model.predict(texts)
    fields = []
    for text, label, confidence in zip(texts, labels, confidences, strict=True):
        type_id = None if label == NOT_A_REQUEST else int(label)
        prediction = Prediction(type_id, DEPARTMENTS.get(type_id), confidence)
        fields.append(route(matcher.match(text), prediction, DEPARTMENTS, 0.6))
    return fields


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loop-sample", type=int, default=500)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    decisions = synthetic_posts(800, rng)
    start = time.perf_counter()
    model = RequestClassifier().fit(
        [t for t, _ in decisions] + [t for t, _ in seed_examples(RULES)],
        [label for _, label in decisions] + [label for _, label in seed_examples(RULES)],
    )
    trained_in = time.perf_counter() - start
    posts = synthetic_posts(args.posts, rng)
    texts = [t for t, _ in posts]
    matcher = Matcher(RULES)

    labels, _ = model.predict(texts)
    accuracy = sum(p == t for p, (_, t) in zip(labels, posts, strict=True)) / len(posts)

    batch = best_of(args.repeat, lambda: model.predict(texts))
    full = best_of(args.repeat, lambda: full_classification(model, matcher, texts))
    rules_only = best_of(args.repeat, lambda: [matcher.match(t) for t in texts])
    sample = texts[: args.loop_sample]
    loop = best_of(args.repeat, lambda: [model.predict([t]) for t in sample])

    runs = {
        "model, batch": (len(texts), batch),
        "full classification, batch (rules + model + routing)": (len(texts), full),
        "rules matcher alone": (len(texts), rules_only),
        "baseline: model called per post (loop)": (len(sample), loop),
    }
    wall = {name: n / seconds[0] for name, (n, seconds) in runs.items()}
    cpu = {name: n / seconds[1] for name, (n, seconds) in runs.items()}
    print(
        f"trained on {len(decisions)} decisions + seeds in {trained_in:.2f} s; "
        f"accuracy on the synthetic posts {accuracy:.1%}"
    )
    print(f"{args.posts:,} posts, best of {args.repeat} runs, posts/s (wall clock | CPU time):")
    width = max(map(len, runs))
    for name in runs:
        print(f"  {name:<{width}}  {wall[name]:>9,.0f} | {cpu[name]:>9,.0f}")
    baseline = "baseline: model called per post (loop)"
    full_name = "full classification, batch (rules + model + routing)"
    print(f"batch model vs per-post loop: {cpu['model, batch'] / cpu[baseline]:.1f} × (CPU time)")
    print(
        f"full classification vs per-post loop: {cpu[full_name] / cpu[baseline]:.1f} × (CPU time)"
    )
    # On a shared machine the wall clock also counts other processes' turns on the CPU; the
    # CPU time of this process is what one dedicated worker core would achieve.
    verdict = "meets" if cpu[full_name] >= BUDGET else "MISSES"
    print(
        f"full classification: {cpu[full_name]:,.0f} posts/s per CPU core "
        f"({wall[full_name]:,.0f} wall clock here) — {verdict} the ≥ {BUDGET:,} budget"
    )
    return 0 if cpu[full_name] >= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
