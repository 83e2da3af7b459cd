"""The collect buffer: validated batches wait in a Redis list on the Celery broker.

Publishing one Celery message per batch costs more than the rest of the collect request put
together, so with a Redis broker the endpoint only LPUSHes the batch's bytes, and the
`drain_collect_buffer` task (every few seconds, from Celery beat) ingests them in bulk.

Delivery is at least once and ingest is idempotent on (session, seq), so a drainer that dies
mid-way loses nothing: the next one ingests what was left in the processing list again.

An entry is the batch's JSON, or, for a resident who agreed to personalisation,
``v:<visitor id>`` and a newline before it.
"""

import functools
import logging

from celery import current_app

from . import ratelimit
from .models import BatchSource
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


logger = logging.getLogger(__name__)
_VISITOR = b"v:"


def push(body, visitor_id=None, limits=()):
    """Queue one validated batch, as the bytes the browser sent, for the drainer.

    `limits` (scope, identity, limit) are counted in Redis in the same round trip; if one is
    exceeded nothing is queued and False is returned.
    """
    if visitor_id is not None:
        body = b"%s%s\n%s" % (_VISITOR, str(visitor_id).encode(), body)
    client = _client(broker_url())
    if not limits:
        client.lpush(_key(), body)
        return True
    return not ratelimit.redis_hit(client, _key(":rate"), limits, push=(_key(), body))


def over_limits(limits):
    """Count `limits` (scope, identity, limit) across processes when the broker is Redis.

    Falls back to this process's own counts without Redis or while it cannot be reached.
    """
    if uses_redis_buffer():
        try:
            return ratelimit.redis_hit(_client(broker_url()), _key(":rate"), limits)
        except Exception as error:  # Redis down: limit per process rather than not at all
            logger.warning("Rate limits counted per process, Redis failed: %s", error)
    return ratelimit.over_any(limits)


def payload_of(raw):
    """The ingest payload of one buffer entry (raises SchemaError if it is not a batch)."""
    visitor_id = None
    if raw.startswith(_VISITOR):
        visitor, _, raw = raw[len(_VISITOR) :].partition(b"\n")
        visitor_id = visitor.decode()
    return batch_payload(parse_batch(raw), visitor_id)


def drain(ingest=None, limit=2000, lock_seconds=300):
    """Ingest up to `limit` queued batches, each on its own; returns how many were handled.

    A batch that fails is dead-lettered (see dead_letters.py) and the drain goes on. `ingest`
    (a payload -> outcome function) defaults to ingest.ingest_batch.
    """
    from .dead_letters import ingest_isolated
    from .ingest import ingest_batch

    ingest = ingest or ingest_batch
    client = _client(broker_url())
    queue, processing, lock = _key(), _key(":processing"), _key(":lock")
    if not client.set(lock, "1", nx=True, ex=lock_seconds):
        return 0  # another drainer is at work
    done = 0
    try:
        # Leftovers of a drainer that died: ingest again (idempotent), then new batches.
        for raw in client.lrange(processing, 0, -1):
            ingest_isolated(raw, BatchSource.BUFFER, ingest=ingest)
            client.lrem(processing, 1, raw)
            done += 1
        while done < limit:
            # Atomic in Redis: at every instant the batch is in exactly one of the two lists.
            raw = client.lmove(queue, processing, "RIGHT", "LEFT")
            if raw is None:
                break
            # Only once the batch is committed (stored or dead-lettered) does it leave Redis.
            ingest_isolated(raw, BatchSource.BUFFER, ingest=ingest)
            client.lrem(processing, 1, raw)
            done += 1
    finally:
        client.delete(lock)
    return done


def processing():
    """Batches a drainer took but has not finished (left over if it was killed)."""
    return _client(broker_url()).llen(_key(":processing"))


def pending():
    """Batches waiting in the buffer (for the admin and for tests)."""
    return _client(broker_url()).llen(_key())
