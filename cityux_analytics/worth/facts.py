"""The facts of sessions, read from the database for `features.session_features`."""

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from .. import element_names
from ..models import FrustrationSignal, PageView, TrackedSession
from ..replay.models import ReplayChunk
from ..surveys.models import SurveyResponse
from .features import SessionFacts, SignalFact
from .score import LOW_RATING_FROM

# The most recent candidate sessions a department's ranking considers.
MAX_CANDIDATES = 2000


def candidate_ids(department_id, limit=MAX_CANDIDATES):
    """The latest sessions that showed frustration on the department's pages: a signal there,
    or a low survey rating given there."""
    signalled = FrustrationSignal.objects.filter(department_id=department_id).values("session_id")
    rated_low = SurveyResponse.objects.filter(
        department_id=department_id, rating__lt=LOW_RATING_FROM, session__isnull=False
    ).values("session_id")
    sessions = TrackedSession.objects.filter(Q(pk__in=signalled) | Q(pk__in=rated_low))
    return list(sessions.order_by("-last_event_at", "-pk").values_list("pk", flat=True)[:limit])


def collect_facts(session_ids, department_id=None):
    """{session id: SessionFacts}; signals and pages of `department_id` only, when given."""
    session_ids = list(session_ids)
    signals = FrustrationSignal.objects.filter(session_id__in=session_ids)
    views = PageView.objects.filter(session_id__in=session_ids)
    if department_id is not None:
        signals = signals.filter(department_id=department_id)
        views = views.filter(department_id=department_id)
    else:
        views = views.exclude(department=None)
    rows = list(
        signals.order_by("occurred_at", "pk").values(
            "session_id", "kind", "selector", "detail", "page_id", "url", "count"
        )
    )
    words = element_names.words_for((row["url"], row["selector"]) for row in rows)
    signals_of = defaultdict(list)
    for row in rows:
        named = words.get((row["url"], row["selector"]), "")
        signals_of[row.pop("session_id")].append(SignalFact(**row, words=named))
    pages_of = defaultdict(set)
    for session_id, url in views.values_list("session_id", "url"):
        pages_of[session_id].add(url)
    ratings_of = defaultdict(list)
    responses = SurveyResponse.objects.filter(session_id__in=session_ids, rating__isnull=False)
    for session_id, rating in responses.values_list("session_id", "rating"):
        ratings_of[session_id].append(rating)
    sessions = TrackedSession.objects.filter(pk__in=session_ids).annotate(
        has_replay=Exists(ReplayChunk.objects.filter(session=OuterRef("pk")))
    )
    return {
        session.pk: SessionFacts(
            session_id=session.pk,
            started_at=session.started_at,
            last_event_at=session.last_event_at,
            signals=tuple(signals_of[session.pk]),
            ratings=tuple(ratings_of[session.pk]),
            department_pages=len(pages_of[session.pk]),
            has_replay=session.has_replay,
        )
        for session in sessions.only("pk", "started_at", "last_event_at")
    }
