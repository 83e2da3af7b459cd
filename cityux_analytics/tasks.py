"""Celery tasks of the analytics pipeline; thin wrappers around ingest.py and pipeline.py."""

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import buffer, dead_letters, pipeline, ratelimit
from .dead_letters import DEAD_LETTERED, dead_letter, ingest_isolated, payload_bytes
from .ingest import ingest_batch
from .models import BatchSource, DeadLetteredBatch, SpooledBatch
from .schema import batch_payload

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="cityux_analytics.ingest",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=6,
)
def ingest(self, payload):
    """Store one batch; dead-lettered if it fails, after retries with backoff if the database
    itself failed (it may be back in a moment, and then the batch is fine)."""
    try:
        with transaction.atomic():
            return ingest_batch(payload)
    except (OperationalError, InterfaceError) as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=2**self.request.retries) from error
        dead_letter(payload_bytes(payload), BatchSource.MESSAGE, error)
    except Exception as error:
        dead_letter(payload_bytes(payload), BatchSource.MESSAGE, error)
    return DEAD_LETTERED


def enqueue_batch(batch, body, visitor_id=None, limits=()):
    """Hand a valid batch to the broker; if it cannot take it, keep it in the spool.

    `body` is the request's bytes, already validated into `batch`: the Redis buffer stores
    them as they are, which saves encoding the batch again on the request thread.
    `visitor_id` is given only for a resident who also agreed to personalisation; it links the
    session to them so "My data" can show and delete it. `limits` (scope, identity, limit) are
    counted first (see ratelimit.py); returns False, queuing nothing, if one is exceeded.
    """
    payload = None
    counted = False
    try:
        if buffer.uses_redis_buffer():
            return buffer.push(body, visitor_id, limits)
        counted = True
        if ratelimit.over_any(limits):
            return False
        payload = batch_payload(batch, visitor_id)
        ingest.apply_async((payload,), retry=False)
    except Exception as error:  # any broker failure: the batch must not be lost
        if not counted and ratelimit.over_any(limits):
            return False
        logger.warning("Broker unavailable, spooling batch: %s", error)
        SpooledBatch.objects.create(
            payload=payload or batch_payload(batch, visitor_id), last_error=str(error)[:2000]
        )
    return True


@shared_task(name="cityux_analytics.drain_collect_buffer", acks_late=True)
def drain_collect_buffer(limit=2000):
    """Ingest the batches waiting in the Redis collect buffer (see buffer.py); with any other
    broker there is no buffer and this does nothing."""
    return buffer.drain(ingest_batch, limit=limit)


@shared_task(name="cityux_analytics.drain_spool")
def drain_spool(limit=1000):
    """Ingest spooled batches (oldest first); a batch that fails is dead-lettered."""
    drained = 0
    for spooled in SpooledBatch.objects.all()[:limit]:
        # One transaction: the batch leaves the spool only with its rows or its dead letter.
        with transaction.atomic():
            ingest_isolated(
                payload_bytes(spooled.payload), BatchSource.SPOOL, received_at=spooled.received_at
            )
            spooled.delete()
        drained += 1
    return drained


@shared_task(name="cityux_analytics.retry_dead_letters")
def retry_dead_letters(pks=None):
    """Ingest dead-lettered batches again (all, or those in `pks`); returns (stored, failing)."""
    rows = DeadLetteredBatch.objects.order_by("pk")
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return dead_letters.retry_dead_letters(rows)


@shared_task(name="cityux_analytics.process_sessions")
def process_sessions():
    """Close idle sessions, detect and score them, refresh the rollups of their days."""
    from .live import pipeline_lock

    with pipeline_lock(wait_seconds=120) as acquired:
        if not acquired:
            return "busy"
        return sorted(day.isoformat() for day in pipeline.process_closed_sessions())


@shared_task(name="cityux_analytics.detect_live")
def detect_live():
    """Signals of open sessions from their new events, and the rollups they change (live.py)."""
    from .live import detect_live as detect
    from .live import pipeline_lock

    with pipeline_lock() as acquired:
        # Busy: the run holding the lock, or the next one in 2 s, picks these events up.
        return detect() if acquired else "busy"


@shared_task(name="cityux_analytics.rollup_day")
def rollup_day(day_iso):
    return pipeline.rollup_day(datetime.date.fromisoformat(day_iso))


@shared_task(name="cityux_analytics.purge_expired")
def purge_expired():
    """Delete what is past its retention: sessions and all their rows, spool, survey answers."""
    from .retention import purge_expired as purge

    return purge()


@shared_task(name="cityux_analytics.retrain_worth_model")
def retrain_worth_model():
    """Retrain the "sessions worth watching" model once enough replay feedback is new."""
    from .worth.training import retrain_if_due  # scikit-learn loads only in this task

    return retrain_if_due()


@shared_task(name="cityux_analytics.send_weekly_digests")
def send_weekly_digests():
    """Monday morning: e-mail each department's leads last week's digest, once per ISO week."""
    from .digest import send_weekly_digests as send  # templates and admin URLs load only here

    return send()
