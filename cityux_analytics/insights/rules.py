"""What a statement is made of and when a change counts: the rules, the weeks' counts, the test."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from scipy.stats import binomtest

from ..conf import analytics_setting
from ..reports import DateRange

RISE, FALL = "worse", "better"
NOT_ENOUGH_DATA, NO_SIGNIFICANT_CHANGE = "not_enough_data", "no_significant_change"
# Fewer sessions than this sharing an error is anecdote, whatever the share.
MIN_SHARED_SESSIONS = 3


@dataclass(frozen=True)
class InsightRules:
    min_signals: int = 20
    min_sessions: int = 30
    false_discovery_rate: float = 0.05
    max_statements: int = 5
    attribution_share: float = 0.3

    @classmethod
    def from_settings(cls):
        return cls(
            min_signals=analytics_setting("INSIGHT_MIN_SIGNALS"),
            min_sessions=analytics_setting("INSIGHT_MIN_SESSIONS"),
            false_discovery_rate=analytics_setting("INSIGHT_FALSE_DISCOVERY_RATE"),
            max_statements=analytics_setting("INSIGHT_MAX_STATEMENTS"),
            attribution_share=analytics_setting("INSIGHT_ATTRIBUTION_SHARE"),
        )


@dataclass(frozen=True)
class WeekCounts:
    """One signal kind on one page in two consecutive weeks, with the sessions of each."""

    kind: str
    subject: str  # the page's title (or address), as it reads in a sentence
    this_week: int
    week_before: int
    sessions: int
    sessions_before: int
    urls: tuple = ()
    page_id: int | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class Change:
    """A WeekCounts whose change passed the volume rule and the significance test."""

    counts: WeekCounts
    p_value: float
    effect: float  # signals above (+) or below (-) the week before's rate at this week's sessions

    @property
    def tone(self):
        return RISE if self.effect > 0 else FALL


@dataclass(frozen=True)
class ElementWeek:
    """Signals of one kind on one element (CSS selector) of a page, in both weeks."""

    selector: str
    this_week: int
    week_before: int
    words: str = ""  # the element in the page's words (element_names), if it has them


@dataclass(frozen=True)
class SessionSignal:
    """A frustration signal of this week on the page, reduced to what attribution needs."""

    session_id: int
    kind: str
    selector: str
    detail: str = ""


@dataclass(frozen=True)
class Attribution:
    selector: str = ""
    words: str = ""
    share: float = 0.0  # of this week's signals (a rise) or of the drop (a fall)
    selector_this_week: int = 0
    selector_week_before: int = 0
    error: str = ""
    error_share: float = 0.0  # of the sessions with the signal on `selector`


@dataclass(frozen=True)
class Insight:
    text: str
    tone: str
    change: Change
    attribution: Attribution = field(default_factory=Attribution)

    @property
    def counts(self):
        return self.change.counts


@dataclass(frozen=True)
class InsightList:
    """The statements of one page or department, or why there is none."""

    week: DateRange
    insights: list
    reason: str = ""

    @property
    def reason_text(self):
        if self.reason == NOT_ENOUGH_DATA:
            return _("No statement this week: not enough data.")
        if self.reason == NO_SIGNIFICANT_CHANGE:
            return _("No statement this week: no change is larger than chance would explain.")
        return ""


def rate_change_p_value(this_week, week_before, sessions, sessions_before):
    """Two-sided p-value of "same signals per session in both weeks" (conditional binomial)."""
    both = this_week + week_before
    if both == 0:
        return 1.0
    return binomtest(this_week, both, sessions / (sessions + sessions_before)).pvalue


def effect(counts):
    """Signals this week above (+) or below (-) what the week before's rate would give."""
    expected = counts.week_before * counts.sessions / counts.sessions_before
    return counts.this_week - expected


def has_volume(counts, rules):
    return (
        max(counts.this_week, counts.week_before) >= rules.min_signals
        and min(counts.sessions, counts.sessions_before) >= rules.min_sessions
    )


def benjamini_hochberg(p_values, rate):
    """The indexes of `p_values` kept at false discovery rate `rate`."""
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    kept = 0
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= rank / len(p_values) * rate:
            kept = rank
    return set(order[:kept])


def significant_changes(candidates, rules):
    """The changes worth stating among `candidates` (WeekCounts), largest effect first, capped.

    Returns (changes, reason): reason says why the list is empty, else "".
    """
    enough = [counts for counts in candidates if has_volume(counts, rules)]
    if not enough:
        return [], NOT_ENOUGH_DATA
    p_values = [
        rate_change_p_value(c.this_week, c.week_before, c.sessions, c.sessions_before)
        for c in enough
    ]
    kept = benjamini_hochberg(p_values, rules.false_discovery_rate)
    changes = [Change(enough[i], p_values[i], effect(enough[i])) for i in sorted(kept)]
    changes.sort(key=lambda change: (-abs(change.effect), change.p_value, change.counts.subject))
    if not changes:
        return [], NO_SIGNIFICANT_CHANGE
    return changes[: rules.max_statements], ""
