"""Accepted means stored: each batch is ingested on its own, and one that fails is set aside.

Whichever way a batch reaches ingest (the Redis buffer, the spool, a Celery message), it goes
through `ingest_isolated`: in a savepoint of its own, so a failure undoes that batch only, and
on any error into a `DeadLetteredBatch` with the error and the bytes as they were queued. The
caller removes the batch from its queue only once this returns, so if the dead letter cannot be
written either (the database is down) the batch stays queued and is tried again later.

Usage::

    outcome = ingest_isolated(raw, BatchSource.BUFFER)  # "stored", "duplicate", "dead-lettered"
    stored, failed = retry_dead_letters(DeadLetteredBatch.objects.all())
"""

import hashlib
import json
import logging

from django.db import transaction
from django.utils import timezone

from . import buffer
from .ingest import ingest_batch
from .models import BatchSource, DeadLetteredBatch

logger = logging.getLogger(__name__)
DEAD_LETTERED = "dead-lettered"
MAX_ERROR = 2000


def payload_bytes(payload):
    """The bytes kept for a batch that waited as a payload (spool, Celery message)."""
    return json.dumps(payload, separators=(",", ":")).encode()


def decode(source, body):
    """The ingest payload of bytes kept from `source`."""
    if source == BatchSource.BUFFER:
        return buffer.payload_of(body)
    return json.loads(body)


def ingest_isolated(body, source, received_at=None, ingest=ingest_batch):
    """Ingest one batch in its own savepoint; dead-letter it if that fails for any reason."""
    try:
        with transaction.atomic():
            return ingest(decode(source, body))
    except Exception as error:
        dead_letter(body, source, error, received_at)
        return DEAD_LETTERED


def dead_letter(body, source, error, received_at=None):
    """Keep a batch that could not be stored, with why; counted once however often it fails."""
    body = bytes(body)
    logger.error("Batch dead-lettered (%s): %s", source, error, exc_info=error)
    now = timezone.now()
    text = _describe(error)
    digest = hashlib.sha256(source.encode() + b"\n" + body).hexdigest()
    with transaction.atomic():
        row, created = DeadLetteredBatch.objects.select_for_update().get_or_create(
            digest=digest,
            defaults={
                "source": source,
                "body": body,
                "received_at": received_at,
                "failed_at": now,
                "error": text,
            },
        )
        if not created:
            row.attempts += 1
            row.failed_at, row.error = now, text
            row.save(update_fields=["attempts", "failed_at", "error"])
    return row


def retry_dead_letters(dead_letters):
    """Ingest these dead letters again; those stored (or already stored) are deleted.

    Returns (stored, still failing).
    """
    stored = failed = 0
    for row in dead_letters:
        try:
            with transaction.atomic():
                ingest_batch(decode(row.source, bytes(row.body)))
                row.delete()
            stored += 1
        except Exception as error:
            DeadLetteredBatch.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, failed_at=timezone.now(), error=_describe(error)
            )
            failed += 1
    return stored, failed


def _describe(error):
    return f"{type(error).__name__}: {error}"[:MAX_ERROR]
