"""Live detection: the signals of open sessions, found while the visit goes on.

`detect_live` (the `detect_live` task, every few seconds) looks only at open sessions that
received events since it last looked (`TrackedSession.live_events` behind `events`), and only
at the page views those events touched plus the context a detector needs:

- rage, dead and error clicks, mouse thrash and excessive scrolling live inside one page view,
  so that view's events (all of them, not only the new ones) are enough;
- a quick back on view N is seen when view N+1 arrives and needs view N-1: the window starts
  two views before the first touched one, and signals are replaced from one view before it;
- form abandonment waits for the session to close (a form being filled in is not abandoned).

The signals of the replaced views are deleted and written again, so running it twice changes
nothing; the session's score follows its signals. The day rollups of the pages and departments
touched are recomputed. When the session closes, `pipeline.detect_sessions` replaces all of its
signals with the final ones and recomputes whole days, so nothing is counted twice.
"""

import contextlib
import functools
import logging
import operator

import pandas as pd
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import buffer
from .detectors import FORM_ABANDONMENT, detect_all, score_sessions
from .models import FrustrationSignal, PageView, RawEvent, TrackedSession
from .pipeline import events_frame, rollup_day, signal_rows

logger = logging.getLogger(__name__)

# Views before the first touched one that a detector reads (quick back: N-1 of view N).
CONTEXT_VIEWS = 2


@contextlib.contextmanager
def pipeline_lock(wait_seconds=0.0, hold_seconds=600):
    """One detection-and-rollup at a time across workers; yields whether it was acquired.

    Two rollups of one day at once could both rewrite its element rows. With a Redis broker
    the lock lives there (expiring after `hold_seconds` if a worker dies); without one, tasks
    run in-process or on a single worker and the lock is not needed.
    """
    if not buffer.uses_redis_buffer():
        yield True
        return
    client = buffer._client(buffer.broker_url())
    lock = client.lock(buffer._key(":pipeline"), timeout=hold_seconds)
    acquired = lock.acquire(blocking=wait_seconds > 0, blocking_timeout=wait_seconds or None)
    try:
        yield acquired
    finally:
        if acquired:
            try:
                lock.release()
            except Exception as error:  # expired meanwhile: another run may hold it now
                logger.warning("The pipeline lock expired before its run ended: %s", error)


def sessions_with_new_events(limit=200):
    """(pk, events) of open sessions with events live detection has not seen, oldest first."""
    return list(
        TrackedSession.objects.filter(closed_at__isnull=True, events__gt=F("live_events"))
        .order_by("last_event_at", "pk")
        .values_list("pk", "events")[:limit]
    )


def detect_live(limit=200):
    """Detect the new events of up to `limit` open sessions; returns the sessions looked at."""
    sessions = sessions_with_new_events(limit)
    if not sessions:
        return 0
    touched = detect_touched_views(dict(sessions))
    refresh_rollups(touched)
    return len(sessions)


@transaction.atomic
def detect_touched_views(events_seen):
    """Replace the signals of the views new events touched; `events_seen` maps session pk to
    its `events` count when it was picked. Returns {day: (urls, department ids)} touched."""
    # Locked, and still open: final detection (closing) may have won the race.
    pks = list(
        TrackedSession.objects.select_for_update()
        .filter(pk__in=list(events_seen), closed_at__isnull=True)
        .values_list("pk", flat=True)
    )
    first_new = {
        row["session_id"]: row
        for row in RawEvent.objects.filter(
            session_id__in=pks, pk__gt=Coalesce(F("session__live_event_pk"), 0)
        )
        .values("session_id")
        .annotate(first_view=Min("view_id"), last_pk=Max("pk"))
    }
    replace_from = {pk: max(row["first_view"] - 1, 0) for pk, row in first_new.items()}
    if replace_from:
        window = _views_from(replace_from, back=CONTEXT_VIEWS - 1)
        signals = detect_all(events_frame(list(replace_from), window))
        signals = signals[signals["kind"] != FORM_ABANDONMENT]
        signals = signals[
            signals["view_id"].to_numpy()
            >= signals["session_id"].astype(int).map(replace_from).to_numpy()
        ]
        replaced = _views_from(replace_from)
        FrustrationSignal.objects.filter(replaced, session_id__in=list(replace_from)).delete()
        FrustrationSignal.objects.bulk_create(
            signal_rows(signals, list(replace_from)), batch_size=1000
        )
    _score_and_move_cursors(pks, events_seen, first_new)
    return _touched(list(replace_from))


def _views_from(first_view, back=0):
    """Q for the page views of each session from its view `first_view[pk] - back` on."""
    return functools.reduce(
        operator.or_,
        (Q(session_id=pk, view_id__gte=max(view - back, 0)) for pk, view in first_view.items()),
        Q(pk__in=[]),
    )


def _score_and_move_cursors(pks, events_seen, first_new):
    signals = pd.DataFrame.from_records(
        list(
            FrustrationSignal.objects.filter(session_id__in=pks).values_list("session_id", "kind")
        ),
        columns=["session_id", "kind"],
    )
    scores = score_sessions(signals, pd.DataFrame({"session_id": pks}))
    score_of = dict(zip(scores["session_id"], scores["score"].astype(int), strict=True))
    sessions = list(TrackedSession.objects.filter(pk__in=pks))
    for session in sessions:
        session.score = score_of.get(session.pk, 0)
        session.live_events = events_seen[session.pk]
        if session.pk in first_new:
            session.live_event_pk = first_new[session.pk]["last_pk"]
    TrackedSession.objects.bulk_update(
        sessions, ["score", "live_events", "live_event_pk"], batch_size=500
    )


def _touched(session_pks):
    """{local day: (urls, department ids)} of these page views and of their sessions'
    signals (a score change moves every page of the session)."""
    touched = {}
    rows = PageView.objects.filter(session_id__in=session_pks).values_list(
        "started_at", "url", "department_id"
    )
    for started_at, url, department_id in rows:
        urls, departments = touched.setdefault(
            timezone.localtime(started_at).date(), (set(), set())
        )
        urls.add(url)
        if department_id is not None:
            departments.add(department_id)
    return touched


def refresh_rollups(touched):
    """Recompute the day rollups of the pages and departments that changed."""
    for day, (urls, department_ids) in sorted(touched.items()):
        rollup_day(day, urls=sorted(urls), department_ids=sorted(department_ids))
