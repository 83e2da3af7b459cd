"""From the rollups: the two weeks' counts, elements and signals of the pages asked about."""

import datetime

from django.db.models import Q, Sum
from django.utils import timezone

from .. import element_names
from ..models import ElementDailyStats, FrustrationSignal, PageDailyStats, SignalKind
from ..reports import DateRange
from .rules import ElementWeek, InsightRules, SessionSignal, WeekCounts
from .words import statements


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
