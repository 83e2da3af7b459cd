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
    Selection,
    fit_selected,
    route,
    routing_confidence,
    seed_examples,
    select,
    wilson,
)
from cityux_social.classifier.model import fit_seeded
from cityux_social.classifier.selection import (
    Z95,
    blend,
    blend_weight,
    fit_temperature,
    routing_threshold,
)
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


# -- the selection's arithmetic, on hand-computed cases (issue 19) ---------------------------


def test_a_wilson_interval_of_one_success_in_one_has_the_closed_form_lower_bound():
    # All successes: the lower bound is n / (n + z²) and the upper bound is 1.
    assert wilson(1, 1) == (pytest.approx(1 / (1 + Z95**2)), 1.0)


def test_a_wilson_interval_never_reaches_past_one():
    # Unclipped, 20 of 20 gives an upper bound of 1.0000000000000002 in floating point.
    assert wilson(20, 20) == (pytest.approx(20 / (20 + Z95**2)), 1.0)


def test_the_fitted_temperature_makes_the_confidence_match_the_share_of_right_answers():
    # 0.9 against 0.1, right 3 times in 4: at T the confidence is 1 / (1 + (1/9) ** (1/T)),
    # which is 0.75 for T = 2.
    probabilities = np.array([[0.9, 0.1]] * 4)

    temperature = fit_temperature(probabilities, np.array([0, 0, 0, 1]))

    assert temperature == pytest.approx(2.0, rel=1e-4)


def test_the_fitted_temperature_stops_at_20_when_the_scores_carry_no_information():
    # Right once in two with the same 0.9: the loss falls towards T = infinity (0.5 / 0.5).
    probabilities = np.array([[0.9, 0.1]] * 2)

    temperature = fit_temperature(probabilities, np.array([0, 1]))

    assert temperature == pytest.approx(20.0, rel=1e-3)


def test_a_blend_mixes_the_two_models_probabilities_by_the_weight():
    seeded = np.array([[0.75, 0.25]])
    baseline = np.array([[0.25, 0.75]])

    assert blend(seeded, baseline, 0.25).tolist() == [[0.375, 0.625]]


@pytest.mark.parametrize(
    "seeded_right, baseline_right, weight",
    [(1, 4, 0.2), (2, 3, 0.4), (3, 2, 0.6), (4, 1, 0.8)],
)
def test_the_blend_weight_is_the_share_of_posts_only_the_seeded_model_gets_right(
    seeded_right, baseline_right, weight
):
    # One model is sure and right where the other is sure and wrong: the likelihood
    # a·log(w) + b·log(1 − w) is highest at w = a / (a + b).
    right, wrong = [1.0, 0.0], [0.0, 1.0]
    seeded = np.array([[right] * seeded_right + [wrong] * baseline_right])
    baseline = np.array([[wrong] * seeded_right + [right] * baseline_right])
    truth_index = np.zeros(seeded_right + baseline_right, dtype=int)

    assert blend_weight(seeded, baseline, truth_index) == weight


CLASSES = ["1", "2", NOT_A_REQUEST]
SURE_OF_TYPE_1 = [0.95, 0.94, 0.93, 0.92, 0.91, 0.90, 0.89]


def type_1_at(confidence):
    return [confidence, (1 - confidence) / 2, (1 - confidence) / 2]


def test_the_routing_threshold_is_the_lowest_confidence_whose_lower_bound_reaches_the_target():
    # The 7 type 1 posts are right: one-sided 90 % lower bound 7 / (7 + 1.281552²), which is
    # the target exactly. The 8th routed post is wrong (lower bound 0.66). Posts predicted "not a
    # request" are not routed; coverage counts the 8 requests (7 of type 1, 1 of type 2).
    probabilities = np.array(
        [
            [[0.005, 0.005, 0.99], [0.01, 0.01, 0.98]]
            + [type_1_at(c) for c in SURE_OF_TYPE_1]
            + [[0.25, 0.5, 0.25]]
        ]
    )
    truth = np.array(["2", NOT_A_REQUEST] + ["1"] * 7 + [NOT_A_REQUEST])
    target, _ = wilson(7, 7, 1.281552)
    assert target == pytest.approx(7 / (7 + 1.281552**2))

    threshold = routing_threshold(probabilities, truth, CLASSES, target)

    assert threshold == (0.89, 1.0, 7 / 8)


def test_the_routing_threshold_takes_every_post_of_equal_confidence():
    # Two posts at 0.6, one right and one wrong: 8 of 8 right would reach 0.8 (lower bound
    # 0.83), but at 0.6 both are routed, 8 of 9 (0.69); so the threshold stays at 0.89.
    probabilities = np.array([[type_1_at(c) for c in SURE_OF_TYPE_1] + [type_1_at(0.6)] * 2])
    truth = np.array(["1"] * 8 + ["2"])

    threshold = routing_threshold(probabilities, truth, CLASSES, 0.8)

    assert threshold == (0.89, 1.0, 7 / 9)


def test_the_selection_of_too_few_decisions_keeps_the_uncalibrated_even_blend():
    selection = select(made_up({"1": 4, NOT_A_REQUEST: 4}), seed_examples([]))

    assert not selection.measured
    assert (selection.weight, selection.temperature) == (0.5, 1.0)


def test_one_kind_of_decision_with_enough_examples_is_too_few_to_compare_models():
    selection = select(made_up({"1": 6, NOT_A_REQUEST: 2}), seed_examples([]))

    assert not selection.measured and selection.kind == "seeded"


def test_the_defaults_are_three_repeats_of_5_folds_and_figures_from_10_decisions():
    # Types 2 and "not a request" have exactly 5 decisions (the fold count): scored, but too
    # few for figures; type 1 has exactly 10.
    decisions = made_up({"1": 10, "2": 5, NOT_A_REQUEST: 5})

    selection = select(decisions, seed_examples([]))

    assert "in 3×5-fold cross-validation on 20 decisions" in selection.reason
    assert selection.per_type["1"]["too_few"] is False
    assert selection.per_type["2"] == {"decisions": 5, "too_few": True}
    assert selection.candidates["blend"]["weight"] == selection.weight
    assert selection == select(decisions, seed_examples([]), random_state=0)


def test_the_baseline_wins_a_tie():
    decisions = made_up({"1": 10, "2": 10, NOT_A_REQUEST: 10}, words_per_post=5)

    selection = select(decisions, seed_examples([]))

    assert {c["macro_f1"] for c in selection.candidates.values()} == {1.0}
    assert selection.kind == "baseline"


def test_a_selected_baseline_falls_back_to_the_seeds_when_the_decisions_have_one_label():
    decisions = made_up({"1": 6})

    model = fit_selected(decisions, seed_examples([]), Selection("baseline", reason=""))

    assert model.kind == "seeded"


def test_a_selected_baseline_is_kept_with_two_labels():
    decisions = made_up({"1": 6, NOT_A_REQUEST: 6})

    model = fit_selected(decisions, seed_examples([]), Selection("baseline", reason=""))

    assert model.kind == "baseline"
