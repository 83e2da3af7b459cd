"""Did personalised content help? Conversion of a segment's variant against its holdout.

Pure functions, no database. The methods:

- a conversion rate's 95% interval: Wilson's score interval (Wilson 1927), which stays inside
  0-100% and behaves with few conversions, unlike the textbook normal ("Wald") interval;
- the absolute lift (variant rate minus holdout rate, in percentage points): Newcombe's hybrid
  score interval, his "method 10" (Newcombe 1998, Statistics in Medicine 17:873), built from the
  two Wilson intervals;
- the relative lift (variant rate / holdout rate - 1): the log risk-ratio interval (Katz et al.
  1978): exp(ln(RR) ± z·sqrt(1/x₁ - 1/n₁ + 1/x₂ - 1/n₂)), undefined without a conversion in
  each group.

Below `min_visitors` exposed visitors in either group the result says "not enough data" instead
of a lift: a confident-looking number from ten visitors would mislead an editor.
"""

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
DEFAULT_MIN_VISITORS = 100


def wilson_interval(successes, trials, z=Z_95):
    """Wilson's score interval (low, high) for successes / trials; (0, 1) without trials."""
    _check_counts(successes, trials)
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # Exact bounds at 0 and n successes (rounding would otherwise leave 1e-17 or so).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def newcombe_difference_interval(x1, n1, x2, n2, z=Z_95):
    """Newcombe's hybrid score interval (low, high) for x1/n1 - x2/n2 (both n > 0)."""
    if n1 == 0 or n2 == 0:
        raise ValueError("Both groups need at least one visitor.")
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def log_ratio_interval(x1, n1, x2, n2, z=Z_95):
    """(x1/n1) / (x2/n2) and its log-scale interval; None when a group has no conversion."""
    if n1 == 0 or n2 == 0 or x1 == 0 or x2 == 0:
        return None
    ratio = (x1 / n1) / (x2 / n2)
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    log_ratio = math.log(ratio)
    return ratio, math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)


@dataclass(frozen=True)
class Lift:
    """Variant against holdout. Rates and absolute lift are fractions (0.18 is 18 points)."""

    variant_visitors: int
    variant_conversions: int
    holdout_visitors: int
    holdout_conversions: int
    enough_data: bool
    variant_rate: float | None = None
    holdout_rate: float | None = None
    absolute: float | None = None
    absolute_low: float | None = None
    absolute_high: float | None = None
    relative: float | None = None
    relative_low: float | None = None
    relative_high: float | None = None

    @property
    def significant(self):
        """True when the 95% interval of the absolute lift leaves out zero."""
        if self.absolute_low is None:
            return False
        return self.absolute_low > 0 or self.absolute_high < 0


def compare(
    variant_conversions,
    variant_visitors,
    holdout_conversions,
    holdout_visitors,
    min_visitors=DEFAULT_MIN_VISITORS,
):
    """The `Lift` of a variant over its holdout; only counts when either group is too small."""
    _check_counts(variant_conversions, variant_visitors)
    _check_counts(holdout_conversions, holdout_visitors)
    counts = {
        "variant_visitors": variant_visitors,
        "variant_conversions": variant_conversions,
        "holdout_visitors": holdout_visitors,
        "holdout_conversions": holdout_conversions,
    }
    if min(variant_visitors, holdout_visitors) < max(min_visitors, 1):
        rates = {}
        if variant_visitors:
            rates["variant_rate"] = variant_conversions / variant_visitors
        if holdout_visitors:
            rates["holdout_rate"] = holdout_conversions / holdout_visitors
        return Lift(enough_data=False, **counts, **rates)
    variant_rate = variant_conversions / variant_visitors
    holdout_rate = holdout_conversions / holdout_visitors
    low, high = newcombe_difference_interval(
        variant_conversions, variant_visitors, holdout_conversions, holdout_visitors
    )
    relative = {}
    ratio = log_ratio_interval(
        variant_conversions, variant_visitors, holdout_conversions, holdout_visitors
    )
    if ratio is not None:
        relative = {
            "relative": ratio[0] - 1,
            "relative_low": ratio[1] - 1,
            "relative_high": ratio[2] - 1,
        }
    return Lift(
        enough_data=True,
        variant_rate=variant_rate,
        holdout_rate=holdout_rate,
        absolute=variant_rate - holdout_rate,
        absolute_low=low,
        absolute_high=high,
        **relative,
        **counts,
    )


def signed_percent(fraction):
    """0.18 → "+18%", -0.06 → "−6%", 0.004 → "0%" (whole percent, a real minus sign)."""
    value = round(fraction * 100)
    if value > 0:
        return f"+{value}%"
    if value < 0:
        return f"\u2212{-value}%"
    return "0%"


def lift_sentence(segment_name, goal_name, lift):
    """The report's one line in plain words, e.g.
    "Business-owner content: +18% reached Apply for a business licence, 95% CI +6% to +30%".

    The percentages are the relative lift (how many more visitors, in percent of the holdout's
    rate, reached the goal); without a conversion in each group, the absolute lift in points.
    """
    if not lift.enough_data:
        saw, held = lift.variant_visitors, lift.holdout_visitors
        return (
            f"{segment_name}: not enough data yet for {goal_name} "
            f"({saw} {'visitor' if saw == 1 else 'visitors'} saw the content, "
            f"{held} {'was' if held == 1 else 'were'} held out)"
        )
    if lift.relative is not None:
        return (
            f"{segment_name}: {signed_percent(lift.relative)} reached {goal_name}, "
            f"95% CI {signed_percent(lift.relative_low)} to {signed_percent(lift.relative_high)}"
        )
    return (
        f"{segment_name}: {_signed_points(lift.absolute)} reached {goal_name}, "
        f"95% CI {_signed_points(lift.absolute_low)} to {_signed_points(lift.absolute_high)}"
    )


def _signed_points(fraction):
    text = signed_percent(fraction)
    return text.replace("%", " percentage points") if text != "0%" else "0 percentage points"


def _check_counts(successes, trials):
    if trials < 0 or successes < 0 or successes > trials:
        raise ValueError(f"Impossible counts: {successes} conversions of {trials} visitors.")
