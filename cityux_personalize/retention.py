"""Retention: how long personalisation keeps what it knows about a visitor (the daily purge).

- A profile not seen for PROFILE_RETENTION_DAYS (its cookie has expired by then) is deleted
  with its drafts and codes, after a tombstone of its visitor id, so nothing brings it back.
- Exposures and conversions older than PROFILE_RETENTION_DAYS are deleted.
- A form draft not saved for DRAFT_RETENTION_DAYS is deleted.
- A resume code is deleted a day after it expired (the day keeps wrong-code lockouts honest).
"""

import datetime

from django.utils import timezone

from cityux.tombstones import forget_visitors

from .conf import personalize_setting

CODE_KEPT_AFTER_EXPIRY = datetime.timedelta(days=1)


def purge_expired(now=None):
    """Delete everything past its retention; returns {table: rows deleted}."""
    from .models import Conversion, Exposure, FormDraft, ResumeCode, VisitorProfile

    now = now or timezone.now()
    profile_cutoff = now - datetime.timedelta(days=personalize_setting("PROFILE_RETENTION_DAYS"))
    draft_cutoff = now - datetime.timedelta(days=personalize_setting("DRAFT_RETENTION_DAYS"))
    stale = VisitorProfile.objects.filter(last_seen__lt=profile_cutoff)
    forget_visitors(list(stale.values_list("visitor_id", flat=True)))
    return {
        "profiles": stale.delete()[0],
        "drafts": FormDraft.objects.filter(updated__lt=draft_cutoff).delete()[0],
        "resume_codes": ResumeCode.objects.filter(
            expires_at__lt=now - CODE_KEPT_AFTER_EXPIRY
        ).delete()[0],
        "exposures": Exposure.objects.filter(first_exposed__lt=profile_cutoff).delete()[0],
        "conversions": Conversion.objects.filter(reached_at__lt=profile_cutoff).delete()[0],
    }
