"""What the analytics reports read: the daily rollups, summed over a date range.

Every function here starts from `daily_rows()`, which narrows a rollup table to what a user may
see (`cityux.access.scope_to_user`); reports never read raw events.
"""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cityux.access import scope_to_user, sees_every_department
from cityux.models import Department

from .models import DepartmentDailyStats, SignalKind

DEFAULT_DAYS = 28
LONGEST_RANGE_DAYS = 731
WEEK = datetime.timedelta(days=7)

KINDS = list(SignalKind.values)

# What each signal means, in the words of the people who read the reports.
KIND_HELP = {
    SignalKind.RAGE_CLICK: _("people clicked the same spot 3 or more times quickly"),
    SignalKind.DEAD_CLICK: _("people clicked something that did nothing"),
    SignalKind.ERROR_CLICK: _("a click was followed by an error in the page's code"),
    SignalKind.MOUSE_THRASH: _("people moved the mouse back and forth, as if lost"),
    SignalKind.QUICK_BACK: _("people left a page within seconds, back where they came from"),
    SignalKind.EXCESSIVE_SCROLL: _("people scrolled up and down, searching for something"),
    SignalKind.FORM_ABANDONMENT: _("people started a form and left without sending it"),
}

# Sums of the rollup count columns: named `total_<column>` because an annotation may not
# shadow a model field.
COUNT_COLUMNS = ["views", "sessions", "frustrated_sessions", *KINDS]


def total(column):
    return f"total_{column}"


def kind_label(kind):
    """The plural name of a signal kind, e.g. "Rage clicks"."""
    return capfirst(DepartmentDailyStats._meta.get_field(kind).verbose_name)


def kinds_explained():
    """(plural name, what it means) for every signal kind."""
    return [(kind_label(kind), KIND_HELP[kind]) for kind in KINDS]


class DateRangeError(ValueError):
    """A date range that cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class DateRange:
    """Whole days from `start` to `end`, both included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_days(cls, days=DEFAULT_DAYS, today=None):
        end = today or timezone.localdate()
        return cls(end - datetime.timedelta(days=days - 1), end)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def bounds(self):
        return (self.start, self.end)

    def dates(self):
        return [self.start + datetime.timedelta(days=n) for n in range(self.days)]

    def last_week(self):
        """The 7 days ending on `end`: the "this week" of week-over-week changes."""
        return DateRange(self.end - WEEK + datetime.timedelta(days=1), self.end)

    def week_before(self):
        """The 7 days before `last_week()`."""
        week = self.last_week()
        return DateRange(week.start - WEEK, week.end - WEEK)

    def recent(self):
        """The last days of the range that headline changes compare: a week, or the whole
        range when it is shorter (a one-day range compares that day with the day before)."""
        days = min(self.days, WEEK.days)
        return DateRange(self.end - datetime.timedelta(days=days - 1), self.end)

    def before(self):
        """The days just before this range, as many as it has."""
        return DateRange(
            self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1)
        )


def parse_date_range(start_text, end_text, today=None):
    """The DateRange written as two ISO dates; either may be blank (then the default applies).

    Raises DateRangeError, with a message for the reader, when a date cannot be read, the
    start is after the end, or the range is longer than LONGEST_RANGE_DAYS.
    """
    default = DateRange.last_days(today=today)
    start = _parse_day(start_text, _("start date")) if start_text else None
    end = _parse_day(end_text, _("end date")) if end_text else None
    if start and not end:
        end = max(start, default.end)
    elif end and not start:
        start = end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    elif not start:
        return default
    if start > end:
        raise DateRangeError(
            _("The start date (%(start)s) is after the end date (%(end)s).")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    date_range = DateRange(start, end)
    if date_range.days > LONGEST_RANGE_DAYS:
        raise DateRangeError(
            _("Choose at most %(days)d days between the start and the end date.")
            % {"days": LONGEST_RANGE_DAYS}
        )
    return date_range


def _parse_day(text, what):
    try:
        day = parse_date(text.strip())
    except ValueError:
        day = None
    if day is None:
        raise DateRangeError(
            _("The %(what)s “%(text)s” is not a date: write it as year-month-day, e.g. 2025-03-31.")
            % {"what": what, "text": text[:40]}
        )
    return day


def ux_score(sessions, frustrated_sessions):
    """Share (0-100) of sessions that met no frustration; None without sessions."""
    if not sessions:
        return None
    return round(100 * (sessions - frustrated_sessions) / sessions)


def change_percent(current, previous):
    """How much `current` changed from `previous`, in whole percent; None if previous is 0."""
    if not previous:
        return None
    return round(100 * (current - previous) / previous)


def daily_rows(model, user, departments=None, date_range=None):
    """Rows of a rollup `model` that `user` may see, of `departments` and `date_range` if given."""
    rows = scope_to_user(model.objects.all(), user)
    if departments is not None:
        rows = rows.filter(department__in=departments)
    if date_range is None:
        return rows
    days = Q(date__range=date_range.bounds)
    if departments is None and sees_every_department(user):
        # Every department, and pages of none: spelled out so that the (department, date)
        # index serves the query instead of a scan of every day ever recorded.
        every = Department.objects.values("pk")
        return rows.filter((days & Q(department__in=every)) | (days & Q(department__isnull=True)))
    return rows.filter(days)


def _count_sums():
    return {total(column): Sum(column) for column in COUNT_COLUMNS}


def _signals_expression():
    return reduce(operator.add, (F(total(kind)) for kind in KINDS))


def _ux_score_expression():
    sessions = F(total("sessions"))
    unfrustrated = Cast(sessions - F(total("frustrated_sessions")), FloatField())
    return Case(
        When(
            **{f"{total('sessions')}__gt": 0},
            then=Cast(Round(100 * unfrustrated / sessions), IntegerField()),
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


def pages_by_frustration(rows):
    """PageDailyStats rows summed per address (and page, department): worst first."""
    return (
        rows.values("url", "page", "page__title", "department", "department__name")
        .annotate(**_count_sums())
        .annotate(total_signals=_signals_expression(), ux_score=_ux_score_expression())
        .order_by("-total_frustrated_sessions", "-total_signals", "url")
    )


ELEMENT_KEYS = ("url", "kind", "selector", "department", "department__name")


def elements_by_frustration(rows, keys=ELEMENT_KEYS):
    """ElementDailyStats rows summed per (address, kind, selector): most signals first."""
    return (
        rows.values(*keys)
        .annotate(total_signals=Sum("signals"), total_sessions=Sum("sessions"))
        .order_by("-total_signals", "-total_sessions", "url", "kind", "selector")
    )


def javascript_errors(rows):
    """Error clicks of ElementDailyStats rows, per error signature: most clicks first.

    Each row has the clicks and sessions that hit the error, the pages it happened on, and
    when it was first and last seen; `with_most_clicked` adds the element clicked before it.
    """
    return (
        rows.filter(kind=SignalKind.ERROR_CLICK)
        .values("detail")
        .annotate(
            total_signals=Sum("signals"),
            total_sessions=Sum("sessions"),
            page_count=Count("url", distinct=True),
            first_seen=Min("date"),
            last_seen=Max("date"),
        )
        .order_by("-total_signals", "-total_sessions", "detail")
    )


def with_most_clicked(errors, rows):
    """`errors` rows (dicts of `javascript_errors`) with `top_selector`: the element clicked
    most often before each error, among `rows`. One query for all of them.

    (A correlated subquery would be repeated for every daily row it groups.)
    """
    errors = list(errors)
    clicks = (
        rows.filter(kind=SignalKind.ERROR_CLICK, detail__in=[error["detail"] for error in errors])
        .values("detail", "selector")
        .annotate(clicks=Sum("signals"))
        .order_by("detail", "-clicks", "selector")
    )
    top = {}
    for row in clicks:
        top.setdefault(row["detail"], row["selector"])
    for error in errors:
        error["top_selector"] = top.get(error["detail"], "")
    return errors


def signals_per_day(rows, date_range):
    """One dict per day of `date_range` (days without data hold zeros): the chart's series."""
    found = {
        row["date"]: row
        for row in rows.filter(date__range=date_range.bounds)
        .values("date")
        .annotate(**_count_sums())
        .order_by("date")
    }
    empty = dict.fromkeys(map(total, COUNT_COLUMNS), 0)
    days = []
    for day in date_range.dates():
        counts = {**empty, **{k: v or 0 for k, v in found.get(day, {}).items() if k != "date"}}
        counts["total_signals"] = sum(counts[total(kind)] for kind in KINDS)
        days.append({"date": day, **counts})
    return days


@dataclass(frozen=True)
class Totals:
    """Summed counts of a period: `counts` maps each COUNT_COLUMNS name to a number."""

    counts: dict

    def __getitem__(self, column):
        return self.counts[column]

    @property
    def signals(self):
        return sum(self.counts[kind] for kind in KINDS)

    @property
    def ux_score(self):
        return ux_score(self.counts["sessions"], self.counts["frustrated_sessions"])


@dataclass(frozen=True)
class Summary:
    """A date range's totals, and those of its `recent` days (`DateRange.recent`: the last 7,
    or all when fewer) and of as many days `before` them."""

    date_range: DateRange
    period: Totals
    recent: Totals
    before: Totals

    @property
    def compared_days(self):
        return self.date_range.recent().days

    def kinds(self):
        """A KindSummary for every signal kind, in SignalKind's order."""
        return [
            KindSummary(
                kind=kind,
                label=kind_label(kind),
                help_text=KIND_HELP[kind],
                count=self.period[kind],
                recent=self.recent[kind],
                before=self.before[kind],
            )
            for kind in KINDS
        ]


@dataclass(frozen=True)
class KindSummary:
    kind: str
    label: str
    help_text: str
    count: int
    recent: int
    before: int

    @property
    def change(self):
        return change_percent(self.recent, self.before)


def summarise(rows, date_range):
    """The Summary of rollup `rows` (department or page rollups) for `date_range`, one query."""
    periods = {
        "period": date_range,
        "recent": date_range.recent(),
        "before": date_range.recent().before(),
    }
    sums = {
        f"{name}_{column}": Sum(column, filter=Q(date__range=period.bounds))
        for name, period in periods.items()
        for column in COUNT_COLUMNS
    }
    span = (min(date_range.start, periods["before"].start), date_range.end)
    found = rows.filter(date__range=span).aggregate(**sums)
    totals = {
        name: Totals({column: found[f"{name}_{column}"] or 0 for column in COUNT_COLUMNS})
        for name in periods
    }
    return Summary(date_range=date_range, **totals)


# -- links to the replays ---------------------------------------------------------------------

# The query parameters of the admin replay list, in the order they are written.
REPLAY_FILTERS = ("department", "page", "element", "error", "kind", "date_from", "date_to")


def replay_list_url():
    """The admin replay list's URL, or None while no replay list is installed."""
    try:
        return reverse("cityux_replays:list")
    except NoReverseMatch:
        return None


def replay_link(date_range=None, **filters):
    """The replay list narrowed to `filters` (REPLAY_FILTERS names) and `date_range`, or None.

    Empty filters are left out; the dates are ISO dates.
    """
    unknown = set(filters) - set(REPLAY_FILTERS)
    if unknown:
        raise TypeError(f"Unknown replay filters: {', '.join(sorted(unknown))}")
    base = replay_list_url()
    if base is None:
        return None
    if date_range is not None:
        filters.update(date_from=date_range.start.isoformat(), date_to=date_range.end.isoformat())
    query = [
        (name, filters[name]) for name in REPLAY_FILTERS if filters.get(name) not in (None, "")
    ]
    return f"{base}?{urlencode(query)}"


def page_ids_by_url(rows, urls):
    """{address: Wagtail page id} for `urls`, from PageDailyStats `rows` (one query)."""
    found = rows.filter(url__in=set(urls), page__isnull=False).values_list("url", "page")
    return dict(found.distinct())
