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
`page_insights` at the bottom do the queries, reading rollups and, for the few statements
kept, the frustration signals of one page-week.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from scipy.stats import binomtest

from . import element_names
from .conf import analytics_setting
from .models import ElementDailyStats, FrustrationSignal, PageDailyStats, SignalKind
from .reports import DateRange, kind_label

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


# -- the statistics ---------------------------------------------------------------------------


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


# -- attribution ------------------------------------------------------------------------------


def attribute(change, elements, signals, rules):
    """Which element (and, for a rise, which error) explains `change`.

    `elements`: ElementWeek rows of the change's kind and page; `signals`: SessionSignal rows of
    this week on the page (the kind's and the error clicks).
    """
    # Signals without an element (a quick back, say) count in the total but are never named;
    # the page's own count bounds it from below should element rows be missing.
    total = max(sum(element.this_week for element in elements), change.counts.this_week)
    elements = [element for element in elements if element.selector]
    if not elements:
        return Attribution()
    if change.tone == RISE:
        top = max(elements, key=lambda e: (e.this_week, e.selector))
        if not total or top.this_week / total < rules.attribution_share:
            return Attribution()
        share = top.this_week / total
    else:
        drop = sum(max(e.week_before - e.this_week, 0) for e in elements)
        top = max(elements, key=lambda e: (e.week_before - e.this_week, e.selector))
        if not drop or (top.week_before - top.this_week) / drop < rules.attribution_share:
            return Attribution()
        share = (top.week_before - top.this_week) / drop
    attribution = Attribution(
        selector=top.selector,
        words=top.words,
        share=share,
        selector_this_week=top.this_week,
        selector_week_before=top.week_before,
    )
    if change.tone == FALL:
        return attribution
    error, error_share = shared_error(change.counts.kind, top.selector, signals)
    if error_share < rules.attribution_share:
        return attribution
    return dataclasses.replace(attribution, error=error, error_share=error_share)


def shared_error(kind, selector, signals):
    """The error signature most sessions with `kind` on `selector` hit, and their share."""
    with_signal = {s.session_id for s in signals if s.kind == kind and s.selector == selector}
    by_error = {}
    for signal in signals:
        if signal.kind == SignalKind.ERROR_CLICK and signal.detail:
            by_error.setdefault(signal.detail, set()).add(signal.session_id)
    best, shared = "", 0
    for error, sessions in sorted(by_error.items()):
        overlap = len(sessions & with_signal)
        if overlap > shared:
            best, shared = error, overlap
    if not with_signal or shared < MIN_SHARED_SESSIONS:
        return "", 0.0
    return best, shared / len(with_signal)


# -- the words --------------------------------------------------------------------------------


def error_message(signature):
    """The message part of an error signature ("TypeError: x @ /static/a.js" → "TypeError: x")."""
    return signature.split(" @ ", 1)[0]


def percent(share):
    return round(100 * share)


def per_hundred(signals, sessions):
    return f"{100 * signals / sessions:.1f}"


def describe(change, attribution):
    """The statement of `change` in plain words."""
    counts = change.counts
    values = {
        "kind": kind_label(counts.kind),
        "subject": counts.subject,
        "before": counts.week_before,
        "now": counts.this_week,
        "rate_before": per_hundred(counts.week_before, counts.sessions_before),
        "rate_now": per_hundred(counts.this_week, counts.sessions),
    }
    counts_agree = (counts.this_week > counts.week_before) == (change.tone == RISE)
    if change.tone == RISE:
        if counts_agree:
            text = _("%(kind)s on %(subject)s rose from %(before)s to %(now)s this week")
        else:
            text = _(
                "%(kind)s on %(subject)s rose from %(rate_before)s to %(rate_now)s per 100 "
                "sessions this week (%(before)s to %(now)s in all, with fewer sessions)"
            )
    elif counts_agree:
        text = _("%(kind)s on %(subject)s fell from %(before)s to %(now)s this week")
    else:
        text = _(
            "%(kind)s on %(subject)s fell from %(rate_before)s to %(rate_now)s per 100 "
            "sessions this week (%(before)s to %(now)s in all, with more sessions)"
        )
    parts = [text % values]
    if attribution.selector and change.tone == RISE:
        parts.append(
            _("%(share)s%% are on %(selector)s")
            % {"share": percent(attribution.share), "selector": _element(attribution)}
        )
    if attribution.error:
        if counts.kind == SignalKind.ERROR_CLICK:
            words = _("%(share)s%% of those sessions hit “%(error)s”")
        else:
            words = _("%(share)s%% of those sessions also hit “%(error)s”")
        parts.append(
            words
            % {"share": percent(attribution.error_share), "error": error_message(attribution.error)}
        )
    if change.tone == FALL:
        if attribution.selector:
            parts.append(
                _("%(selector)s went from %(before)s to %(now)s")
                % {
                    "selector": _element(attribution),
                    "before": attribution.selector_week_before,
                    "now": attribution.selector_this_week,
                }
            )
        return "; ".join(parts) + _(" — the fix seems to work.")
    return "; ".join(parts) + "."


def _element(attribution):
    return attribution.words or attribution.selector


def statements(candidates, elements_for, signals_for, rules, week):
    """The InsightList of `candidates`: significant changes, attributed and worded.

    `elements_for(change)` and `signals_for(change)` give the attribution data of one kept
    change (callables, so that only the few kept changes cost a query).
    """
    changes, reason = significant_changes(candidates, rules)
    insights = []
    for change in changes:
        signals = signals_for(change) if change.tone == RISE else []
        attribution = attribute(change, elements_for(change), signals, rules)
        insights.append(Insight(describe(change, attribution), change.tone, change, attribution))
    return InsightList(week=week, insights=insights, reason=reason)


# -- loading from the rollups -----------------------------------------------------------------


def candidates_from_rows(rows):
    """WeekCounts for every kind of each row summed by `week_sums` (pure)."""
    return [
        WeekCounts(
            kind=kind,
            subject=row["subject"],
            this_week=row[f"now_{kind}"] or 0,
            week_before=row[f"before_{kind}"] or 0,
            sessions=row["now_sessions"] or 0,
            sessions_before=row["before_sessions"] or 0,
            urls=tuple(row["urls"]),
            page_id=row.get("page"),
            department_id=row.get("department"),
        )
        for row in rows
        for kind in SignalKind.values
    ]


def week_sums(week):
    """Sum() of sessions and every kind, for `week` (now_) and the week before (before_)."""
    before = DateRange(week.start - datetime.timedelta(days=7), week.start - datetime.timedelta(1))
    sums = {}
    for prefix, days in (("now", week), ("before", before)):
        for column in ["sessions", *SignalKind.values]:
            sums[f"{prefix}_{column}"] = Sum(column, filter=Q(date__range=days.bounds))
    return sums


def two_weeks(week):
    return (week.start - datetime.timedelta(days=7), week.end)


def element_weeks(urls, kind, week):
    """ElementWeek rows of `kind` on `urls` (one query)."""
    rows = (
        ElementDailyStats.objects.filter(url__in=urls, kind=kind, date__range=two_weeks(week))
        .values("selector")
        .annotate(
            now=Sum("signals", filter=Q(date__range=week.bounds)),
            before=Sum("signals", filter=Q(date__lt=week.start)),
        )
    )
    rows = list(rows)
    words = element_names.names_by_selector([row["selector"] for row in rows], urls)
    return [
        ElementWeek(
            row["selector"], row["now"] or 0, row["before"] or 0, words.get(row["selector"], "")
        )
        for row in rows
    ]


def session_signals(urls, kind, week):
    """This week's signals of `kind` and error clicks on `urls` (one page-week, one query)."""
    start = timezone.make_aware(datetime.datetime.combine(week.start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(week.end + datetime.timedelta(days=1), datetime.time.min)
    )
    rows = FrustrationSignal.objects.filter(
        url__in=urls,
        kind__in={kind, SignalKind.ERROR_CLICK},
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).values_list("session_id", "kind", "selector", "detail")
    return [SessionSignal(*row) for row in rows]


def _insights_of(page_rows, week, rules):
    rules = rules or InsightRules.from_settings()
    return statements(
        candidates_from_rows(page_rows),
        lambda change: element_weeks(change.counts.urls, change.counts.kind, week),
        lambda change: session_signals(change.counts.urls, change.counts.kind, week),
        rules,
        week,
    )


def department_insights(department, week, rules=None):
    """The InsightList of a department's pages for `week` (7 days) against the 7 before.

    The caller checks that the reader may see `department`.
    """
    rows = (
        PageDailyStats.objects.filter(department=department, date__range=two_weeks(week))
        .values("url", "page", "page__title", "department")
        .annotate(**week_sums(week))
        .order_by("url")
    )
    page_rows = [
        {**row, "subject": row["page__title"] or row["url"], "urls": [row["url"]]} for row in rows
    ]
    return _insights_of(page_rows, week, rules)


def page_insights(page, week, rules=None):
    """The InsightList of one Wagtail page (all its addresses) for `week` against the 7 before.

    The caller checks that the reader may see the page's department.
    """
    days = PageDailyStats.objects.filter(page=page, date__range=two_weeks(week))
    totals = days.aggregate(**week_sums(week))
    urls = sorted(set(days.values_list("url", flat=True)))
    department_ids = set(days.values_list("department", flat=True))
    row = {
        **totals,
        "subject": page.title,
        "urls": urls,
        "page": page.pk,
        "department": department_ids.pop() if len(department_ids) == 1 else None,
    }
    return _insights_of([row] if urls else [], week, rules)
