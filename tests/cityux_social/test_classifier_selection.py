"""Model selection that cannot lose to the baseline, and honest figures (issue 17).

Made-up words make data whose answer is known: seeds that contradict the decisions (the tuned
baseline, which ignores seeds, must win) or seeds that know words the few decisions never used
(the rule seeds must win). The civic corpus (bench/civic_corpus.py) gives realistic posts: the
figures reported from cross-validation on 400 decisions are checked against 3,000 posts the
model never saw.
"""

import itertools
import random

import numpy as np
import pytest

from bench.civic_corpus import RULES, posts
from cityux_social.classifier import (
    NOT_A_REQUEST,
    Prediction,
    fit_selected,
    route,
    routing_confidence,
    seed_examples,
    select,
    wilson,
)
from cityux_social.classifier.model import fit_seeded
from cityux_social.classifier.store import UNREACHABLE
from cityux_social.models import ClassifierModel
from cityux_social.rules import Match, RuleSet

SYLLABLES = ("ka", "zo", "mi", "tu", "re", "vo", "lu", "pe", "ni", "sa", "go", "fi", "be", "da")
WORDS = ["".join(p) for p in itertools.permutations(SYLLABLES, 3)]
random.Random(5).shuffle(WORDS)
VOCABULARY = {"1": WORDS[:30], "2": WORDS[30:60], "3": WORDS[60:90], NOT_A_REQUEST: WORDS[90:120]}
FILLER = WORDS[120:200]


def made_up(counts, words_per_post=3, filler=0, seed=0):
    """(text, label) pairs: `counts[label]` posts of words from the label's own vocabulary."""
    rng = random.Random(seed)
    decisions = []
    for label, count in counts.items():
        for _ in range(count):
            words = rng.sample(VOCABULARY[label], words_per_post) + rng.sample(FILLER, filler)
            rng.shuffle(words)
            decisions.append((" ".join(words), label))
    rng.shuffle(decisions)
    return decisions


def test_selection_picks_the_baseline_when_the_seeds_mislead():
    decisions = made_up({"1": 15, "2": 15, NOT_A_REQUEST: 15})
    # The rules name type 2's words as type 1 and the other way round.
    seeds = seed_examples(
        [RuleSet(1, keywords=tuple(VOCABULARY["2"])), RuleSet(2, keywords=tuple(VOCABULARY["1"]))]
    )

    selection = select(decisions, seeds)

    scores = {name: c["macro_f1"] for name, c in selection.candidates.items()}
    assert scores["baseline"] > scores["seeded"] + 0.1, scores
    assert selection.kind == "baseline", scores
    assert "baseline" in selection.reason
    model = fit_selected(decisions, seeds, selection)
    assert model.kind == "baseline" and model.chosen_c in (0.3, 1.0, 3.0, 10.0, 30.0)


def test_selection_keeps_the_rule_seeds_while_decisions_are_few():
    # Each post: one of its type's 30 keywords and two shared filler words; the 6 decisions of a
    # type use few of its keywords, the seeds know them all.
    counts = {"1": 6, "2": 6, "3": 6, NOT_A_REQUEST: 6}
    decisions = made_up(counts, words_per_post=1, filler=2)
    seeds = seed_examples(
        [RuleSet(int(label), keywords=tuple(VOCABULARY[label])) for label in ("1", "2", "3")]
    )

    selection = select(decisions, seeds, min_per_type=5)

    scores = {name: c["macro_f1"] for name, c in selection.candidates.items()}
    assert selection.kind in ("seeded", "blend"), scores
    assert scores[selection.kind] > scores["baseline"] + 0.2, scores


def test_too_few_decisions_of_a_type_are_not_given_figures():
    decisions = made_up({"1": 12, "2": 10, "3": 9, NOT_A_REQUEST: 12})

    selection = select(decisions, seed_examples([]), min_per_type=10)

    assert selection.per_type["3"] == {"decisions": 9, "too_few": True}
    assert selection.per_type["2"]["too_few"] is False
    assert selection.per_type["2"]["decisions"] == 10
    assert selection.per_type["2"]["precision_low"] <= selection.per_type["2"]["precision"]
    # The macro figures average only the types with enough decisions.
    measured = [selection.per_type[label]["precision"] for label in ("1", "2")]
    assert selection.precision == pytest.approx(np.mean(measured))


def test_a_type_below_the_fold_count_is_trained_on_but_never_scored():
    decisions = made_up({"1": 12, "2": 12, "3": 3, NOT_A_REQUEST: 12})

    selection = select(decisions, seed_examples([]), min_per_type=3)

    assert selection.measured
    assert "on 36 decisions" in selection.reason  # the 3 of type 3 are not scored
    model = fit_selected(decisions, seed_examples([]), selection)
    assert "3" in model.classes


def test_wilson_interval_matches_the_textbook_values():
    # 8 of 10: 95 % Wilson interval 0.490 - 0.943.
    low, high = wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.49, 0.943)
    assert wilson(0, 0) == (0.0, 1.0)


@pytest.fixture(scope="module")
def civic():
    """Selection on 400 decisions of the civic corpus, and the model's answers on 3,000 more."""
    decisions = posts(400, seed=3)
    seeds = seed_examples(RULES)
    selection = select(decisions, seeds)
    model = fit_selected(decisions, seeds, selection)
    held_out = posts(3000, seed=4)
    labels, confidences = model.predict([text for text, _ in held_out])
    truth = np.asarray([label for _, label in held_out])
    return selection, truth, np.asarray(labels), np.asarray(confidences)


def test_reported_per_type_precision_and_recall_hold_on_posts_never_seen(civic):
    selection, truth, predicted, _ = civic
    checked = covered = 0
    for label, figure in selection.per_type.items():
        if figure["too_few"]:
            continue
        real = {
            "precision": np.mean(truth[predicted == label] == label),
            "recall": np.mean(predicted[truth == label] == label),
        }
        for name, value in real.items():
            checked += 1
            covered += figure[f"{name}_low"] <= value <= figure[f"{name}_high"]
    # The 95 % intervals account for which decisions were tested, not for which were learnt
    # from (label noise in a small type moves its figures): most, not all, hold the truth. A
    # score on the training posts (all 100 %) or on a 13-post holdout would hold few.
    assert checked >= 12
    assert covered >= 0.75 * checked, (covered, checked)
    macro = np.mean(
        [
            np.mean(truth[predicted == label] == label)
            for label, f in selection.per_type.items()
            if label != NOT_A_REQUEST and not f["too_few"]
        ]
    )
    assert abs(selection.precision - macro) < 0.05


def test_the_routing_threshold_reaches_the_target_precision_on_posts_never_seen(civic):
    selection, truth, predicted, confidences = civic
    assert selection.threshold is not None
    routed = (predicted != NOT_A_REQUEST) & (confidences >= selection.threshold)
    precision = np.mean(predicted[routed] == truth[routed])
    coverage = routed.sum() / np.sum(truth != NOT_A_REQUEST)
    assert precision >= 0.9, precision
    assert coverage > 0.5, coverage


def test_calibrated_confidence_matches_the_share_of_right_answers(civic):
    _, truth, predicted, confidences = civic
    # Calibrated on models that learnt from 4/5 of the decisions: if anything, modest.
    assert -0.05 < np.mean(confidences) - np.mean(predicted == truth) < 0.02


def test_an_unreachable_target_sends_every_proposal_to_review():
    decisions = made_up({"1": 15, "2": 15, NOT_A_REQUEST: 15}, seed=2)
    selection = select(decisions, seed_examples([]), target_precision=1.0)
    assert selection.measured and selection.threshold is None
    record = ClassifierModel(measured=True, threshold=None)
    assert routing_confidence(record) == UNREACHABLE
    confident = route([Match(1, ("x",))], Prediction(1, 8, 0.999), {1: 8}, UNREACHABLE)
    assert confident["status"] == "needs_review"


def test_until_measured_the_review_confidence_setting_applies(settings):
    settings.CITYUX_SOCIAL = {"REVIEW_CONFIDENCE": 0.7}
    assert routing_confidence(None) == 0.7
    assert routing_confidence(ClassifierModel(measured=False)) == 0.7
    assert routing_confidence(ClassifierModel(measured=True, threshold=0.42)) == 0.42


def test_system_check_refuses_bad_selection_settings(settings):
    from cityux_social.checks import check_social_settings

    settings.CITYUX_SOCIAL = {
        "ROUTING_TARGET_PRECISION": 1.5,
        "CV_FOLDS": 1,
        "CV_REPEATS": 0,
        "QUALITY_MIN_DECISIONS_PER_TYPE": "ten",
    }
    assert [e.msg for e in check_social_settings(None)] == [
        "CITYUX_SOCIAL['ROUTING_TARGET_PRECISION'] must be a number above 0 and at most 1.",
        "CITYUX_SOCIAL['CV_FOLDS'] must be a whole number of at least 2.",
        "CITYUX_SOCIAL['CV_REPEATS'] must be a whole number of at least 1.",
        "CITYUX_SOCIAL['QUALITY_MIN_DECISIONS_PER_TYPE'] must be a whole number of at least 1.",
    ]


def test_rule_seeds_outweigh_a_few_contrary_decisions_but_not_many():
    # The rules say KEYWORD is type 1; some "not a request" decisions use it with chatter.
    keyword = VOCABULARY["1"][0]
    chatter = VOCABULARY[NOT_A_REQUEST]
    seeds = seed_examples([RuleSet(1, keywords=(keyword,))])
    posts = [keyword, f"{keyword} {chatter[25]}"]

    def type_1_probability(contrary, seed_weight=None):
        decisions = made_up({"1": 20, NOT_A_REQUEST: 20}, seed=contrary)
        decisions = [(text.replace(keyword, ""), label) for text, label in decisions]
        decisions += [(f"{keyword} {chatter[i]}", NOT_A_REQUEST) for i in range(contrary)]
        model = fit_seeded(
            [t for t, _ in decisions], [label for _, label in decisions], seeds, seed_weight
        )
        return model.predict_proba(posts)[:, list(model.classes_).index("1")]

    weighted, unweighted = type_1_probability(3), type_1_probability(3, seed_weight=1)
    assert (weighted > unweighted + 0.2).all(), (weighted, unweighted)
    assert weighted[1] > 0.5 > unweighted[1]  # with chatter: the seed decides only if weighted
    assert type_1_probability(30)[1] < 0.1  # many contrary decisions outvote the weighted seed
