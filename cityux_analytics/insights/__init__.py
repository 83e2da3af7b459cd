"""Insights in plain words: the few week-over-week changes worth a department's attention.

A statement compares one signal kind on one page in two consecutive weeks ("this week" and
"the week before"), e.g. "Rage clicks on Apply for a business licence rose from 31 to 105 this
week; 63% are on button.submit; 58% of those sessions also hit 'TypeError: form is undefined'."

The rules (numbers from `CITYUX_ANALYTICS`, see `InsightRules.from_settings`):

- Volume: at least `min_signals` signals in the busier of the two weeks and `min_sessions`
  sessions in each week, else no statement.
- Significance: the conditional binomial test for two Poisson counts with the weeks' sessions as
  exposure (Przyborowski & Wilenski). If signals arrive at the same rate per session in both
  weeks, this week's share of the two weeks' signals follows Binomial(n = both weeks' signals,
  p = this week's sessions / both weeks' sessions); the p-value is scipy's exact two-sided
  binomial test. Because a department has many pages and kinds, the p-values of one list are
  corrected for multiple comparisons with the Benjamini-Hochberg procedure at
  `false_discovery_rate`: a change is stated only if it survives the correction.
- Ranking: by effect, the number of signals above (or below) what the week before's rate per
  session would give with this week's sessions; at most `max_statements` per list.
- Attribution: for a rise, the element with the largest share of this week's signals (named
  when its share reaches `attribution_share`) and the error signature that most of the sessions
  with that signal on that element also hit (from the page-week's FrustrationSignal rows); for
  a fall, the element whose signals dropped most.

The statement logic is pure (dataclasses in, statements out); `department_insights` and
`page_insights` (loading.py) do the queries, reading rollups and, for the few statements
kept, the frustration signals of one page-week.

One module per job: `rules` (rules, counts, statistics), `attribution`, `words` (the
statements) and `loading` (the queries); every name is importable from this package.
"""

from .attribution import (
    attribute,
    shared_error,
)
from .loading import (
    candidates_from_rows,
    department_insights,
    element_weeks,
    page_insights,
    session_signals,
    two_weeks,
    week_sums,
)
from .rules import (
    FALL,
    MIN_SHARED_SESSIONS,
    NO_SIGNIFICANT_CHANGE,
    NOT_ENOUGH_DATA,
    RISE,
    Attribution,
    Change,
    ElementWeek,
    Insight,
    InsightList,
    InsightRules,
    SessionSignal,
    WeekCounts,
    benjamini_hochberg,
    effect,
    has_volume,
    rate_change_p_value,
    significant_changes,
)
from .words import (
    describe,
    error_message,
    per_hundred,
    percent,
    statements,
)

__all__ = [
    "Attribution",
    "Change",
    "ElementWeek",
    "FALL",
    "Insight",
    "InsightList",
    "InsightRules",
    "MIN_SHARED_SESSIONS",
    "NOT_ENOUGH_DATA",
    "NO_SIGNIFICANT_CHANGE",
    "RISE",
    "SessionSignal",
    "WeekCounts",
    "attribute",
    "benjamini_hochberg",
    "candidates_from_rows",
    "department_insights",
    "describe",
    "effect",
    "element_weeks",
    "error_message",
    "has_volume",
    "page_insights",
    "per_hundred",
    "percent",
    "rate_change_p_value",
    "session_signals",
    "shared_error",
    "significant_changes",
    "statements",
    "two_weeks",
    "week_sums",
]
