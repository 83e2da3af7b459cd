"""Whose data a request is about, and collecting, exporting and deleting all of it."""

import uuid

from django.db import transaction

from cityux.mydata import (
    DataSubject,
    data_sources,
    forget_subject,
)
from cityux.tombstones import forgotten_visitors

from ..conf import VISITOR_COOKIE


def subject_for(request):
    """The DataSubject of this browser: its visitor cookie's profile (followed through merges).

    Read even after consent was withdrawn, so a resident can still see and delete their data.
    """
    from ..models import VisitorProfile
    from ..profiles import flush_profile

    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    roots = []
    visitor_id = _uuid(request.COOKIES.get(VISITOR_COOKIE))
    if visitor_id is not None:
        flush_profile(visitor_id)  # what the cache holds newer than the row
        profile = VisitorProfile.objects.filter(visitor_id=visitor_id).first()
        for _hop in range(5):
            if profile is None or profile.merged_into_id is None:
                break
            profile = VisitorProfile.objects.filter(pk=profile.merged_into_id).first()
        if profile is not None:
            roots.append(profile.pk)
    if user is not None:
        roots += VisitorProfile.objects.filter(user=user).values_list("pk", flat=True)
    profile_ids = _with_merged(set(roots))
    visitor_ids = tuple(
        VisitorProfile.objects.filter(pk__in=profile_ids).values_list("visitor_id", flat=True)
    )
    return DataSubject(request, tuple(sorted(profile_ids)), visitor_ids, user)


def _with_merged(profile_ids):
    from ..models import VisitorProfile

    found, frontier = set(profile_ids), set(profile_ids)
    while frontier:
        frontier = (
            set(
                VisitorProfile.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
            )
            - found
        )
        found |= frontier
    return found


def collect_all(subject):
    """[(source, rows)] for every source, in display order."""
    return [(source, source.collect(subject)) for source in data_sources()]


def export(subject):
    """Everything as one JSON-ready dict, keyed by source name."""
    return {
        "visitor_ids": [str(visitor_id) for visitor_id in subject.visitor_ids],
        "data": {
            source.name: {"label": str(source.label), "items": rows}
            for source, rows in collect_all(subject)
        },
    }


def delete_all(subject):
    """Delete every row of every source; returns {source name: rows deleted}."""
    from ..profiles import forget_profile

    # Tombstones first, committed: whatever arrives for these visitors and their sessions from
    # now on (an open tab's batches, buffered exposures, a profile write) is dropped.
    forget_subject(subject)
    deleted = {}
    with transaction.atomic():
        # Other apps' sources first: theirs may point at our profile rows.
        for source in reversed(data_sources()):
            deleted[source.name] = source.delete(subject)
    for visitor_id in subject.visitor_ids:
        forget_profile(visitor_id)
    return deleted


def forgotten(visitor_ids):
    """Which of `visitor_ids` (text) deleted their data: their buffered rows are dropped."""
    return forgotten_visitors(visitor_ids)


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
