"""Retention of social posts: who wrote what is scrubbed after AUTHOR_RETENTION_DAYS.

The post row stays, with its request type, department, status and decision (the inbox's
history and the classifier's trained model need them), but nothing that names or quotes its
author: handle, name, follower count, text, link, place, raw payload, the description staff
wrote from it, the text of the replies sent to it, and its ticket's Open311 attribute answers
and address id (staff may have quoted the post in them).
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
    from .tickets.models import Reply, Ticket

    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=social_setting("AUTHOR_RETENTION_DAYS")
    )
    old = SocialPost.objects.filter(fetched_at__lt=cutoff)
    with transaction.atomic():
        Reply.objects.filter(post__in=old).exclude(text="").update(text="")
        tickets = Ticket.objects.filter(post__in=old).exclude(attributes={}, address_id="")
        tickets.update(attributes={}, address_id="")
        return old.exclude(**SCRUBBED).update(**SCRUBBED)
