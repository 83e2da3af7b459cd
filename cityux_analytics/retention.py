"""Retention: what analytics keeps about visits, and for how long (the daily purge task).

Sessions and everything hanging off them (raw events, page views, signals, replay chunks,
staff feedback on replays, received-batch marks) go after RETENTION_DAYS, and so do batches
stuck in the spool or dead-lettered; survey answers after SURVEY_RESPONSE_RETENTION_DAYS.
Rollups are counts without any id: they stay. The purge also sweeps recent sessions for
tombstoned ids: a batch whose ingest began just before a deletion committed and finished just
after it.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from cityux.tombstones import digest, forget

from . import pipeline
from .conf import analytics_setting


def purge_expired(now=None, days=None):
    """Delete everything past its retention; returns how many rows were deleted."""
    from .models import DeadLetteredBatch, SpooledBatch, SurveyResponse

    now = now or timezone.now()
    days = days or analytics_setting("RETENTION_DAYS")
    cutoff = now - datetime.timedelta(days=days)
    tombstone_linked_sessions(cutoff)
    deleted = sweep_forgotten_sessions(now - SWEEP_WINDOW)
    deleted += pipeline.purge_expired(now=now, days=days)
    deleted += SpooledBatch.objects.filter(received_at__lt=cutoff).delete()[0]
    # A batch retried again and again still goes when it was received too long ago.
    deleted += DeadLetteredBatch.objects.filter(
        Q(received_at__lt=cutoff) | Q(received_at__isnull=True, failed_at__lt=cutoff)
    ).delete()[0]
    answers_cutoff = now - datetime.timedelta(
        days=analytics_setting("SURVEY_RESPONSE_RETENTION_DAYS")
    )
    deleted += SurveyResponse.objects.filter(created_at__lt=answers_cutoff).delete()[0]
    return deleted


def tombstone_linked_sessions(cutoff):
    """Tombstone the ids of sessions about to be purged that a visitor's My data could show:
    the resident's open tab must not bring them back. Anonymous sessions need none."""
    from .models import TrackedSession

    sids = TrackedSession.objects.filter(
        last_event_at__lt=cutoff, visitor_id__isnull=False
    ).values_list("sid", flat=True)
    return forget(None, list(sids))


# Longer than any batch waits in the queue or the spool before it is ingested.
SWEEP_WINDOW = datetime.timedelta(days=2)


def sweep_forgotten_sessions(since, batch_size=2000):
    """Delete sessions active since `since` whose id has a tombstone; returns how many rows."""
    from cityux.models import Tombstone

    from .models import TrackedSession

    recent = TrackedSession.objects.filter(last_event_at__gte=since).order_by("pk")
    deleted, last_pk = 0, 0
    while batch := list(recent.filter(pk__gt=last_pk).values_list("pk", "sid")[:batch_size]):
        last_pk = batch[-1][0]
        by_digest = {digest("session", sid): pk for pk, sid in batch}
        gone = Tombstone.objects.filter(digest__in=list(by_digest)).values_list("digest", flat=True)
        pks = [by_digest[each] for each in gone]
        if pks:
            deleted += TrackedSession.objects.filter(pk__in=pks).delete()[0]
    return deleted
