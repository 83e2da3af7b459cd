"""The collect buffer: validated batches wait in a Redis list on the Celery broker.

Publishing one Celery message per batch costs more than the rest of the collect request put
together, so with a Redis broker the endpoint only LPUSHes the batch's bytes, and the
`drain_collect_buffer` task (every few seconds, from Celery beat) ingests them in bulk.

Delivery is at least once and ingest is idempotent on (session, seq), so a drainer that dies
mid-way loses nothing: the next one ingests what was left in the processing list again.
"""

import functools

from celery import current_app

from .schema import batch_payload, parse_batch


def _key(suffix=""):
    # Named after the Celery queue, so two sites (or test runs) on one Redis never mix.
    return f"cityux:analytics:collect:{current_app.conf.task_default_queue}{suffix}"


def broker_url():
    return current_app.conf.broker_url or ""


def uses_redis_buffer():
    """True when batches go through the Redis list rather than one Celery message each."""
    conf = current_app.conf
    return not conf.task_always_eager and broker_url().startswith(("redis://", "rediss://"))


@functools.lru_cache(maxsize=4)
def _client(url):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def push(body):
    """Queue one validated batch, as the bytes the browser sent, for the drainer."""
    _client(broker_url()).lpush(_key(), body)


def _payload(raw):
    return batch_payload(parse_batch(raw))


def drain(ingest, limit=2000, lock_seconds=300):
    """Ingest up to `limit` queued batches with `ingest(payload)`; returns how many."""
    client = _client(broker_url())
    queue, processing, lock = _key(), _key(":processing"), _key(":lock")
    if not client.set(lock, "1", nx=True, ex=lock_seconds):
        return 0  # another drainer is at work
    done = 0
    try:
        # Leftovers of a drainer that died: ingest again (idempotent), then new batches.
        for raw in client.lrange(processing, 0, -1):
            ingest(_payload(raw))
            client.lrem(processing, 1, raw)
            done += 1
        while done < limit:
            raw = client.lmove(queue, processing, "RIGHT", "LEFT")
            if raw is None:
                break
            ingest(_payload(raw))
            client.lrem(processing, 1, raw)
            done += 1
    finally:
        client.delete(lock)
    return done


def pending():
    """Batches waiting in the buffer (for the admin and for tests)."""
    return _client(broker_url()).llen(_key())
