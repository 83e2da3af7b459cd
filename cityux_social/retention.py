"""Retention of social posts: who wrote what is scrubbed after AUTHOR_RETENTION_DAYS.

The post row stays, with its request type, department, status and decision (the inbox's
history and the classifier's trained model need them), but nothing that names or quotes its
author: handle, name, follower count, text, link, place, raw payload, the description staff
wrote from it, and the text of the replies sent to it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .conf import social_setting

SCRUBBED = {
    "author_handle": "",
    "author_name": "",
    "author_followers": 0,
    "text": "",
    "url": "",
    "latitude": None,
    "longitude": None,
    "place": "",
    "raw": {},
    "description": "",
}


def scrub_author_data(now=None):
    """Scrub the author data of posts fetched before the retention; returns how many posts."""
    from .models import SocialPost
    from .tickets.models import Reply

    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=social_setting("AUTHOR_RETENTION_DAYS")
    )
    old = SocialPost.objects.filter(fetched_at__lt=cutoff)
    with transaction.atomic():
        Reply.objects.filter(post__in=old).exclude(text="").update(text="")
        return old.exclude(**SCRUBBED).update(**SCRUBBED)
