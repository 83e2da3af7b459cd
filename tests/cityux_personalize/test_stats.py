"""The statistics behind the holdout report, against published worked examples."""

import pytest
from scipy.stats.contingency import relative_risk

from cityux_personalize import stats


def rounded(pair, places=4):
    return tuple(round(value, places) for value in pair)


# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I.
@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_interval_matches_newcombes_single_proportion_examples(successes, trials, expected):
    assert rounded(stats.wilson_interval(successes, trials)) == expected


# Newcombe (1998), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Table II, method 10 (score interval, no continuity correction).
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((0, 10, 0, 10), (-0.2775, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0)),
        ((10, 10, 0, 10), (0.6075, 1.0)),
    ],
)
def test_difference_interval_matches_newcombes_method_10(counts, expected):
    assert rounded(stats.newcombe_difference_interval(*counts)) == expected


def test_log_ratio_interval_matches_scipys_documented_relative_risk_example():
    ratio, low, high = stats.log_ratio_interval(27, 122, 44, 487)
    assert (round(ratio, 4), round(low, 4), round(high, 4)) == (2.4495, 1.5837, 3.7887)


@pytest.mark.parametrize("counts", [(30, 400, 20, 410), (5, 100, 9, 120), (200, 1000, 150, 990)])
def test_log_ratio_interval_agrees_with_scipy(counts):
    reference = relative_risk(*counts)
    ratio, low, high = stats.log_ratio_interval(*counts)
    interval = reference.confidence_interval(confidence_level=0.95)
    assert ratio == pytest.approx(reference.relative_risk)
    assert (low, high) == pytest.approx((interval.low, interval.high))


def test_log_ratio_interval_is_undefined_without_a_conversion_in_a_group():
    assert stats.log_ratio_interval(0, 100, 5, 100) is None
    assert stats.log_ratio_interval(5, 100, 0, 100) is None


def test_compare_says_not_enough_data_below_the_minimum():
    lift = stats.compare(20, 99, 10, 500, min_visitors=100)
    assert not lift.enough_data
    assert lift.absolute is None and lift.relative is None
    assert lift.variant_rate == pytest.approx(20 / 99)


def test_compare_without_visitors_says_not_enough_data_even_with_a_zero_minimum():
    lift = stats.compare(0, 0, 0, 0, min_visitors=0)
    assert not lift.enough_data
    assert lift.variant_rate is None and lift.holdout_rate is None


def test_compare_gives_absolute_and_relative_lift_with_intervals():
    lift = stats.compare(59, 500, 50, 500)
    assert lift.enough_data
    assert lift.absolute == pytest.approx(0.018)
    assert lift.relative == pytest.approx(0.18)
    assert lift.absolute_low < 0 < lift.absolute_high
    assert not lift.significant


def test_a_clear_difference_is_significant():
    lift = stats.compare(300, 1000, 200, 1000)
    assert lift.significant
    assert lift.relative_low > 0


def test_compare_refuses_more_conversions_than_visitors():
    with pytest.raises(ValueError, match="Impossible counts"):
        stats.compare(11, 10, 0, 10)


def test_sentence_reads_like_the_issue_example():
    lift = stats.Lift(
        variant_visitors=1000,
        variant_conversions=236,
        holdout_visitors=1000,
        holdout_conversions=200,
        enough_data=True,
        relative=0.18,
        relative_low=0.06,
        relative_high=0.30,
    )
    sentence = stats.lift_sentence("Business-owner content", "Apply for a business licence", lift)
    assert sentence == (
        "Business-owner content: +18% reached Apply for a business licence, 95% CI +6% to +30%"
    )


def test_sentence_uses_a_minus_sign_for_a_negative_lift():
    lift = stats.compare(150, 1000, 200, 1000)
    assert "\u2212" in stats.lift_sentence("Returning visitors", "Pay a parking ticket", lift)


def test_sentence_falls_back_to_points_without_holdout_conversions():
    lift = stats.compare(20, 200, 0, 200)
    sentence = stats.lift_sentence("Flood area", "Sandbag pickup", lift)
    assert sentence.startswith("Flood area: +10 percentage points reached Sandbag pickup, 95% CI")


def test_sentence_says_when_there_is_not_enough_data():
    lift = stats.compare(1, 12, 0, 3)
    assert stats.lift_sentence("New residents", "Register to vote", lift) == (
        "New residents: not enough data yet for Register to vote "
        "(12 visitors saw the content, 3 were held out)"
    )


def test_sentence_counts_one_visitor_in_the_singular():
    lift = stats.compare(0, 1, 0, 1)
    assert stats.lift_sentence("A", "B", lift).endswith(
        "(1 visitor saw the content, 1 was held out)"
    )
