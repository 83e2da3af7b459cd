"""The rollup rows a user may see, summed per page, element, error and day."""

import operator
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

from cityux.access import scope_to_user, sees_every_department
from cityux.models import Department

from ..models import SignalKind
from .kinds import COUNT_COLUMNS, KINDS, total


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
