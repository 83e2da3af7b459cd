"""The collect buffer: validated batches wait in a Redis list on the Celery broker.

Publishing one Celery message per batch costs more than the rest of the collect request put
together, so with a Redis broker the endpoint only LPUSHes the batch's bytes, and the
`drain_collect_buffer` task (every few seconds, from Celery beat) ingests them in bulk.

Delivery is at least once and ingest is idempotent on (session, seq), so a drainer that dies
mid-way loses nothing: the next one ingests what was left in the processing list again. What a
restart of Redis itself can lose depends on its persistence (`persistence_problem`; README,
"Collect health").

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


def drain(ingest=None, limit=2000, lock_seconds=60):
    """Ingest up to `limit` queued batches, each on its own; returns how many were handled.

    A batch that fails is dead-lettered (see dead_letters.py) and the drain goes on. `ingest`
    (a payload -> outcome function) defaults to ingest.ingest_batch. One drainer at a time:
    the lock of one that was killed expires after `lock_seconds`, renewed while it works.
    """
    from .dead_letters import ingest_isolated
    from .ingest import ingest_batch

    if not uses_redis_buffer():
        return 0  # any other broker: batches travel as one Celery message each, no buffer
    ingest = ingest or ingest_batch
    client = _client(broker_url())
    queue, processing, lock = _key(), _key(":processing"), _key(":lock")
    if not client.set(lock, "1", nx=True, ex=lock_seconds):
        return 0  # another drainer is at work

    def take():
        # Leftovers of a drainer that died first (ingested again: idempotent), then the
        # queue. LMOVE is atomic: at every instant a batch is in exactly one of the lists.
        yield from client.lrange(processing, 0, -1)
        while raw := client.lmove(queue, processing, "RIGHT", "LEFT"):
            yield raw

    done = 0
    try:
        for raw in take():
            ingest_isolated(raw, BatchSource.BUFFER, ingest=ingest)
            # Only once the batch is committed (stored or dead-lettered) does it leave Redis.
            client.lrem(processing, 1, raw)
            done += 1
            if done % 100 == 0:
                client.expire(lock, lock_seconds)
            if done >= limit:
                break
    finally:
        client.delete(lock)
    return done


def processing():
    """Batches a drainer took but has not finished (left over if it was killed)."""
    return _client(broker_url()).llen(_key(":processing"))


def pending():
    """Batches waiting in the buffer (for the admin and for tests)."""
    return _client(broker_url()).llen(_key())


def persistence_problem(config):
    """What a Redis restart would lose, given its CONFIG GET appendonly/appendfsync; or None.

    Accepted batches live in Redis until drained: without an append-only file they are lost
    when Redis restarts, and with `appendfsync no` the OS decides when they reach the disk.
    """
    if config.get("appendonly") != "yes":
        return (
            "The collect buffer's Redis does not persist (appendonly no): a restart loses every "
            "batch accepted since the last drain."
        )
    if config.get("appendfsync") not in ("always", "everysec"):
        return (
            "The collect buffer's Redis writes its append-only file when the OS decides "
            "(appendfsync no): a crash of the machine can lose about 30 s of accepted batches."
        )
    return None


def redis_persistence():
    """The buffer's Redis persistence settings: {"appendonly": ..., "appendfsync": ...}.

    Raises redis.ResponseError where CONFIG is disabled (as on many managed services).
    """
    client = _client(broker_url())
    config = client.config_get("append*")
    return {key: config.get(key) for key in ("appendonly", "appendfsync")}


def persistence_warning(unreachable_too=True):
    """None when the buffer is not used or its Redis persists; else the problem in words.

    With `unreachable_too=False` a Redis that cannot be reached is no problem here (the
    spool covers it; a system check must not fail `migrate` before Redis is up).
    """
    import redis

    if not uses_redis_buffer():
        return None
    try:
        return persistence_problem(redis_persistence())
    except redis.ResponseError:
        return (
            "Cannot read the collect buffer's Redis persistence (CONFIG is disabled): make sure "
            "it runs with appendonly yes and appendfsync everysec."
        )
    except redis.RedisError as error:
        if not unreachable_too:
            return None
        return f"Cannot reach the collect buffer's Redis to check its persistence: {error}"
