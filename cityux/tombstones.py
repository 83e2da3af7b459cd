"""Tombstones: deletion is final, even for data still on its way.

When a resident deletes their data, their open tabs may still send a tracker batch, a replay
chunk or a survey answer, and a batch may still wait in the collect buffer. Every deletion of
a visitor's data records a keyed hash of the visitor id and of each session id it had::

    from cityux.tombstones import forget, is_forgotten

    forget(visitor_id, session_ids)          # before deleting the rows
    if is_forgotten(visitor_id=..., sid=...):  # on arrival and at ingest
        ...drop it...

Only the hash (HMAC-SHA256 keyed from SECRET_KEY) is stored, so the table names nobody; it is
kept as long as the longest retention of the data map (`cityux.mydata.longest_retention_days`),
after which nothing late can arrive. Every check reads the database: a cached "not forgotten"
could be stale the moment the resident deletes.
"""

import datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .conf import cityux_setting

KEY_SALT = "cityux.tombstones"


def digest(kind, value):
    """The keyed hash stored for a visitor id or session id (`kind` "visitor" or "session")."""
    return salted_hmac(KEY_SALT, f"{kind}:{str(value).lower()}", algorithm="sha256").hexdigest()


def forget(visitor_id=None, session_ids=()):
    """Record that `visitor_id` and `session_ids` were deleted; returns how many ids.

    Call it before the transaction that deletes the rows, so that anything arriving while they
    are being deleted is already dropped.
    """
    return forget_visitors([visitor_id] if visitor_id else []) + _bury("session", session_ids)


def forget_visitors(visitor_ids):
    """Record that each of `visitor_ids` was deleted (one insert per 500 ids)."""
    return _bury("visitor", visitor_ids)


def _bury(kind, values):
    from .models import Tombstone

    now = timezone.now()
    rows = [Tombstone(digest=digest(kind, value), kind=kind, created_at=now) for value in values]
    Tombstone.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def is_forgotten(visitor_id=None, sid=None):
    """True if the visitor or the session (either given, both, or neither) was deleted."""
    from .models import Tombstone

    digests = []
    if visitor_id:
        digests.append(digest("visitor", visitor_id))
    if sid:
        digests.append(digest("session", sid))
    return bool(digests) and Tombstone.objects.filter(digest__in=digests).exists()


def forgotten_visitors(visitor_ids):
    """The subset of `visitor_ids` that was deleted (one query for a whole batch of rows)."""
    from .models import Tombstone

    by_digest = {digest("visitor", visitor_id): visitor_id for visitor_id in visitor_ids}
    found = Tombstone.objects.filter(digest__in=list(by_digest)).values_list("digest", flat=True)
    return {by_digest[each] for each in found}


def retention_days():
    """How long a tombstone is kept: CITYUX_TOMBSTONE_RETENTION_DAYS, else the data map's
    longest retention (nothing older can still arrive)."""
    from .mydata import longest_retention_days

    return cityux_setting("TOMBSTONE_RETENTION_DAYS") or longest_retention_days()


def purge_expired(now=None):
    """Delete tombstones older than `retention_days()`; returns how many."""
    from .models import Tombstone

    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    return Tombstone.objects.filter(created_at__lt=cutoff).delete()[0]
