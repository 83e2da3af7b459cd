"""Which sessions a user may see, and the replay list's filters, as querysets.

A department lead sees the sessions that touched their department's pages (a page view or the
session's first department); city-wide staff see every session.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from cityux.access import sees_every_department, visible_department_ids

from ..models import FrustrationSignal, PageView, SignalKind, TrackedSession
from ..surveys.models import SurveyResponse
from .models import ReplayChunk


def touching(department_ids):
    """A Q for sessions that started in, or viewed a page of, one of `department_ids`."""
    department_ids = list(department_ids)
    views = PageView.objects.filter(session=OuterRef("pk"), department_id__in=department_ids)
    return Q(department_id__in=department_ids) | Q(Exists(views))


def sessions_for_user(user):
    """Every session `user` may see."""
    sessions = TrackedSession.objects.all()
    if sees_every_department(user):
        return sessions
    return sessions.filter(touching(visible_department_ids(user)))


def may_see_session(user, session):
    """Department leads see sessions that touched their departments; sessions of no department
    are city-wide."""
    if sees_every_department(user):
        return True
    ids = visible_department_ids(user)
    if not ids:
        return False
    if session.department_id in ids:
        return True
    return PageView.objects.filter(session=session, department_id__in=ids).exists()


def recorded():
    """An expression: the session has at least one replay chunk."""
    return Exists(ReplayChunk.objects.filter(session=OuterRef("pk")))


@dataclass(frozen=True)
class SessionCriteria:
    """The replay list's filters; see `filter_sessions`. Empty values filter nothing."""

    department_id: int | None = None
    page_id: int | None = None
    element: str = ""
    error: str = ""
    kind: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    recorded_only: bool = False

    @property
    def about_signals(self):
        return bool(self.kind or self.element or self.error)


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_sessions(sessions, criteria):
    """`sessions` narrowed to `criteria`.

    Kind, element and error match one signal together; that signal must also be on the page
    and of the department when those are given. A page alone matches sessions that viewed it.
    Dates are the local days the sessions started.
    """
    if criteria.department_id is not None:
        sessions = sessions.filter(touching([criteria.department_id]))
    if criteria.about_signals:
        signal = {"session": OuterRef("pk")}
        if criteria.kind:
            signal["kind"] = criteria.kind
        if criteria.element:
            signal["selector"] = criteria.element
        if criteria.error:
            signal["detail"] = criteria.error
        if criteria.page_id is not None:
            signal["page_id"] = criteria.page_id
        if criteria.department_id is not None:
            signal["department_id"] = criteria.department_id
        sessions = sessions.filter(Exists(FrustrationSignal.objects.filter(**signal)))
    elif criteria.page_id is not None:
        views = PageView.objects.filter(session=OuterRef("pk"), page_id=criteria.page_id)
        sessions = sessions.filter(Exists(views))
    if criteria.start is not None:
        sessions = sessions.filter(started_at__gte=_day_start(criteria.start))
    if criteria.end is not None:
        next_day = criteria.end + datetime.timedelta(days=1)
        sessions = sessions.filter(started_at__lt=_day_start(next_day))
    if criteria.recorded_only:
        sessions = sessions.filter(recorded())
    return sessions


def kind_count(kind):
    return f"{kind}_signals"


def with_listing_columns(sessions):
    """`sessions` with what the replay list shows: signals per kind and in all, the lowest
    survey rating, the duration and whether a replay exists."""
    counts = {
        kind_count(kind): Count("signals", filter=Q(signals__kind=kind))
        for kind in SignalKind.values
    }
    lowest_rating = (
        SurveyResponse.objects.filter(session=OuterRef("pk"), rating__isnull=False)
        .order_by("rating")
        .values("rating")[:1]
    )
    return sessions.select_related("department").annotate(
        **counts,
        total_signals=Count("signals"),
        lowest_rating=Subquery(lowest_rating),
        duration=F("last_event_at") - F("started_at"),
        has_replay=recorded(),
    )
