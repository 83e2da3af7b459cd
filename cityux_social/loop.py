"""Closing the loop: tell the resident their post was logged as a request, then that it is fixed.

Each post gets at most one reply of each kind (`Reply`, one row per kind, which is also the log).
Replies go through the post's source connector, at most `Source.replies_per_hour` per source:
over the limit a reply stays queued and `send_queued_replies` sends it later. A resident who
asked not to be contacted gets no reply; the log says so.
"""

import datetime
import logging
import re
import string

from django.db import IntegrityError, transaction
from django.utils import timezone

from .tickets.models import Reply

logger = logging.getLogger(__name__)

# A failing reply is tried again this many times by send_queued_replies.
MAX_REPLY_ATTEMPTS = 5

NO_CONTACT = re.compile(
    r"\b(?:do\s+not|don['’]?t|dont)\s+(?:reply|respond|contact|dm|message|answer)\b"
    # "no reply" asks for none; "no reply from the city (yet)" complains about its absence.
    r"|\bno\s+(?:reply|replies|dms?|contact)\b(?!\s+(?:from|yet))"
    r"|\bno\s+(?:response|reply)\s+needed\b|\bno\s+need\s+to\s+(?:reply|respond)\b",
    re.IGNORECASE,
)


def asks_not_to_be_contacted(text):
    """Whether a post says "don't reply", "no reply", "do not contact me"… (pure)."""
    return bool(NO_CONTACT.search(text or ""))


class _KeepUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def reply_text(template, ticket_id="", request_type=""):
    """A reply template filled in; unknown or broken placeholders are left as written (pure)."""
    values = _KeepUnknown(ticket_id=ticket_id, request_type=request_type)
    try:
        return string.Formatter().vformat(template, (), values).strip()
    except (ValueError, IndexError, AttributeError):
        return template.strip()


def replies_left(source, now=None):
    """How many replies `source` may still send in the hour before `now`."""
    now = now or timezone.now()
    sent = Reply.objects.filter(
        post__source=source,
        status=Reply.Status.SENT,
        sent_at__gt=now - datetime.timedelta(hours=1),
    ).count()
    return max(source.replies_per_hour - sent, 0)


def text_for(post, kind):
    request_type = post.request_type
    if kind == Reply.Kind.LOGGED:
        template = request_type.reply_logged_template if request_type else ""
    else:
        template = request_type.reply_fixed_template if request_type else ""
    ticket = getattr(post, "ticket", None)
    reference = ticket.reference if ticket else ""
    return reply_text(template, ticket_id=reference, request_type=str(request_type or ""))


def close_the_loop(post, kind):
    """Reply to the resident (kind "logged" or "fixed") once; returns the logged `Reply`."""
    try:
        with transaction.atomic():
            reply, _ = Reply.objects.get_or_create(
                post=post, kind=kind, defaults={"text": text_for(post, kind)}
            )
    except IntegrityError:  # another worker created it a moment ago
        reply = Reply.objects.get(post=post, kind=kind)
    if reply.status in (Reply.Status.SENT, Reply.Status.SKIPPED):
        return reply
    return send_reply(reply)


def send_reply(reply):
    """Send a queued or failed reply now, unless the resident said no or the hour is full."""
    from .models import Source

    post = reply.post
    if post.do_not_contact or asks_not_to_be_contacted(post.text):
        reply.status = Reply.Status.SKIPPED
        reply.error = "The resident asked not to be contacted."
        reply.save(update_fields=["status", "error"])
        return reply
    if not reply.text:
        reply.status = Reply.Status.SKIPPED
        reply.error = "The request type's reply template is empty."
        reply.save(update_fields=["status", "error"])
        return reply
    with transaction.atomic():
        # One sender per source at a time, so the hourly limit holds across workers.
        source = Source.objects.select_for_update().get(pk=post.source_id)
        if replies_left(source) <= 0:
            reply.status = Reply.Status.QUEUED
            reply.error = (
                f"Waiting: {source.name} already sent {source.replies_per_hour} replies in the "
                "last hour. It is sent when the hour allows."
            )
            reply.save(update_fields=["status", "error"])
            return reply
        reply.attempts += 1
        try:
            reply.external_id = str(deliver(source, post, reply.text) or "")
        except Exception as error:  # any connector failure is logged on the reply, never lost
            logger.warning("Reply to post %s failed: %s", post.pk, error)
            reply.status = Reply.Status.FAILED
            reply.error = str(error) or type(error).__name__
        else:
            reply.status = Reply.Status.SENT
            reply.error = ""
            reply.sent_at = timezone.now()
        reply.save()
    return reply


def deliver(source, post, text):
    """Hand the reply to the source's connector; returns the reply's id on the network."""
    from .sources import connector_for

    return connector_for(source).reply(post, text)


def send_queued_replies(limit=500):
    """Send replies waiting for the rate limit, and retry failed ones; returns how many sent."""
    waiting = (
        Reply.objects.filter(status__in=[Reply.Status.QUEUED, Reply.Status.FAILED])
        .filter(attempts__lt=MAX_REPLY_ATTEMPTS)
        .select_related("post__source")
        .order_by("created_at")[:limit]
    )
    sent = 0
    for reply in waiting:
        sent += send_reply(reply).status == Reply.Status.SENT
    return sent
