"""Storing fetched posts (de-duplicated, classified) and running one source's fetch."""

import logging
import time

from django.db import transaction
from django.utils import timezone

from .classifier import classify
from .conf import social_setting
from .models import RequestType, SocialPost, Source
from .sources import FetchFailed, connector_for
from .sources.text import extract_address

logger = logging.getLogger(__name__)


def _clip(value, limit):
    return (value or "")[:limit]


def _post_from(source, incoming):
    """An unsaved SocialPost from an IncomingPost, its fields cut to what the columns hold."""
    return SocialPost(
        source=source,
        external_id=_clip(str(incoming.external_id), 255),
        author_handle=_clip(incoming.author_handle, 255),
        author_name=_clip(incoming.author_name, 255),
        author_followers=max(0, int(incoming.author_followers or 0)),
        text=incoming.text or "",
        # A link longer than the column is useless cut short; the raw payload still has it.
        url=incoming.url if len(incoming.url or "") <= 500 else "",
        posted_at=incoming.posted_at,
        language=_clip(incoming.language, 16),
        latitude=incoming.latitude,
        longitude=incoming.longitude,
        place=incoming.place or extract_address(incoming.text),
        raw=incoming.raw or {},
    )


def store_posts(source, incoming):
    """Store the posts of `source` not stored yet, classified; return (created, duplicates).

    Idempotent and safe to run twice at once: the unique (source, external_id) key decides,
    and a post another worker stored first is counted as a duplicate.
    """
    unique = {}
    for item in incoming:
        if item.external_id:
            unique.setdefault(str(item.external_id)[:255], item)
    ids = list(unique)
    existing = set(
        SocialPost.objects.filter(source=source, external_id__in=ids).values_list(
            "external_id", flat=True
        )
    )
    new_posts = [_post_from(source, unique[i]) for i in ids if i not in existing]
    if new_posts:
        classify(new_posts, RequestType.objects.filter(active=True))
        SocialPost.objects.bulk_create(new_posts, batch_size=500, ignore_conflicts=True)
    stored = SocialPost.objects.filter(source=source, external_id__in=ids).count()
    created = stored - len(existing)
    return created, len(incoming) - created


def fetch_source(source, retries=None, backoff=None, sleep=time.sleep):
    """Fetch and store one source, retrying with exponential backoff; never raises.

    Returns (created, duplicates) or None when the source failed; a failure is recorded in
    `last_error` / `last_error_at`, a success in `last_fetched_at` and the new cursor.
    """
    retries = social_setting("FETCH_RETRIES") if retries is None else retries
    backoff = social_setting("FETCH_BACKOFF_SECONDS") if backoff is None else backoff
    for attempt in range(retries + 1):
        cursor_before = source.cursor
        try:
            connector = connector_for(source)
            incoming = connector.fetch()
            with transaction.atomic():
                result = store_posts(source, incoming)
                source.last_fetched_at = timezone.now()
                fields = ["cursor", "last_fetched_at"]
                if connector.problems:
                    source.last_error = "; ".join(connector.problems)[:5000]
                    source.last_error_at = source.last_fetched_at
                    fields += ["last_error", "last_error_at"]
                Source.objects.filter(pk=source.pk).update(
                    **{name: getattr(source, name) for name in fields}
                )
            return result
        except Exception as error:  # any failure of one source must not stop the others
            source.cursor = cursor_before
            message = str(error) if isinstance(error, FetchFailed) else repr(error)
            logger.warning("Fetching %s failed (attempt %s): %s", source, attempt + 1, message)
            if attempt < retries:
                sleep(backoff * 2**attempt)
                continue
            source.last_error = message[:5000]
            source.last_error_at = timezone.now()
            Source.objects.filter(pk=source.pk).update(
                last_error=source.last_error, last_error_at=source.last_error_at
            )
            return None
    return None


def fetch_all_sources():
    """Fetch every enabled source in turn; {slug: (created, duplicates) or None if it failed}."""
    return {source.slug: fetch_source(source) for source in Source.objects.filter(enabled=True)}
