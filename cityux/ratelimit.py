"""Counters for the resident-facing limits: requests per minute, and wrong-attempt lockouts.

With a Redis Celery broker (and real workers) the counts live in Redis, so a limit holds across
every server process, and each count is one atomic script: a burst of concurrent requests can
never slip past a limit between a check and an increment. Counters are named by a keyed hash of
what they count (an address, a session, a visitor) so Redis never holds one, and expire with
their window.

Two kinds of limit, each a list of ``(scope, identity, limit)``:

* `redis_hit` / `over_any`: fixed one-minute windows for the busy endpoints (collect, replay,
  surveys). Without Redis, or while it is down, each process counts for itself in memory: a
  site with 5 gunicorn workers then accepts up to 5 × a limit in the worst case.
* `take_attempt` / `give_back`: a lockout (wrong resume codes). An attempt is counted *before*
  it is evaluated and given back if it succeeds, so at most `limit` failures are ever
  evaluated in a window that starts at the first one. Without Redis the counts go to Django's
  cache (shared when the site's cache is Redis or Memcached, per process with the default).

Usage::

    from cityux import ratelimit

    limits = (("resume-address", client_ip(request), 20), ("resume-visitor", visitor_id, 5))
    if not ratelimit.take_attempt(limits, window_seconds=900):
        return refuse()
    if code_is_right:
        ratelimit.give_back(limits, window_seconds=900)
"""

import functools
import hashlib
import logging
import threading
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_window = {"number": None, "hits": {}}

# KEYS: n counters, then optionally a list; ARGV: n, the counters' expiry, the n limits, then
# optionally the value to LPUSH onto the list when no counter went over its limit.
_HIT = """
local n = tonumber(ARGV[1])
local over = 0
for i = 1, n do
  local hits = redis.call('INCR', KEYS[i])
  if hits == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2]) end
  if hits > tonumber(ARGV[i + 2]) then over = 1 end
end
if over == 0 and #KEYS > n then redis.call('LPUSH', KEYS[n + 1], ARGV[n + 3]) end
return over
"""
# KEYS: the counters; ARGV: their expiry, then each one's limit. A window starts at its first hit.
_ATTEMPT = """
local over = 0
for i = 1, #KEYS do
  local hits = redis.call('INCR', KEYS[i])
  if hits == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
  if hits > tonumber(ARGV[i + 1]) then over = 1 end
end
return over
"""
_GIVE_BACK = """
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
return 0
"""
_scripts = {}


# -- requests per minute ----------------------------------------------------------------------


def over_limit(scope, identity, limit, window_seconds=60):
    """Count one hit for `identity` in `scope` in this process; True once over `limit`."""
    number = int(time.monotonic() // window_seconds)
    key = (scope, identity)
    with _lock:
        if _window["number"] != number:
            _window["number"], _window["hits"] = number, {}
        hits = _window["hits"][key] = _window["hits"].get(key, 0) + 1
    return hits > limit


def over_any(limits, window_seconds=60):
    """`over_limit` for each (scope, identity, limit); every one is counted."""
    results = [over_limit(*limit, window_seconds=window_seconds) for limit in limits]
    return any(results)


def redis_hit(client, prefix, limits, window_seconds=60, push=None):
    """Count `limits` (scope, identity, limit) in Redis; True if any is over its limit.

    With `push=(list_key, value)` the value is LPUSHed onto the list in the same script,
    only when no limit is exceeded. Raises redis errors: the caller falls back.
    """
    number = int(time.time() // window_seconds)
    keys = [f"{prefix}:{number}:{hashed(scope, identity)}" for scope, identity, _ in limits]
    args = [len(limits), window_seconds + 5, *(limit for _, _, limit in limits)]
    if push is not None:
        keys.append(push[0])
        args.append(push[1])
    return _script(client, _HIT)(keys=keys, args=args) == 1


def reset():
    """Forget every in-process count (tests, or after changing limits)."""
    with _lock:
        _window["number"], _window["hits"] = None, {}


# -- lockouts ---------------------------------------------------------------------------------


def take_attempt(limits, window_seconds):
    """Count one attempt for each (scope, identity, limit); False if any is over its limit."""
    client = shared_redis()
    if client is not None:
        keys, expiry = _attempt_keys(limits), window_seconds + 5
        try:
            over = _script(client, _ATTEMPT)(keys=keys, args=[expiry, *_limits(limits)])
            return over == 0
        except Exception as error:  # Redis down: count in the cache rather than not at all
            logger.warning("Lockouts counted in the cache, Redis failed: %s", error)
    counts = [_cache_incr(key, window_seconds) for key in _attempt_keys(limits)]
    return all(count <= limit for count, limit in zip(counts, _limits(limits), strict=True))


def give_back(limits, window_seconds):
    """Undo one `take_attempt` of the same limits (the attempt succeeded)."""
    client = shared_redis()
    if client is not None:
        try:
            _script(client, _GIVE_BACK)(keys=_attempt_keys(limits))
            return
        except Exception as error:
            logger.warning("Lockouts counted in the cache, Redis failed: %s", error)
    for key in _attempt_keys(limits):
        try:
            cache.decr(key)
        except ValueError:  # expired meanwhile: nothing to give back
            pass


def _attempt_keys(limits):
    return [f"{_prefix()}:attempts:{hashed(scope, identity)}" for scope, identity, _ in limits]


def _limits(limits):
    return [limit for _, _, limit in limits]


def _cache_incr(key, timeout):
    # add() starts the window; incr() is atomic in every shared cache backend (and locmem).
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


# -- where the counts live --------------------------------------------------------------------


def shared_redis():
    """A client of the Celery broker's Redis, or None without one (or with eager tasks)."""
    conf = current_app.conf
    url = conf.broker_url or ""
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://")):
        return None
    return _client(url)


@functools.lru_cache(maxsize=4)
def _client(url):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def _prefix():
    # Named after the Celery queue, so two sites (or test runs) on one Redis never mix.
    return f"cityux:ratelimit:{current_app.conf.task_default_queue}"


def _script(client, source):
    script = _scripts.get((id(client), source))
    if script is None:
        script = _scripts[(id(client), source)] = client.register_script(source)
    return script


_hash_key = {}


def hashed(scope, identity):
    """A keyed hash of what a counter counts: Redis and the cache never hold an address."""
    key = _hash_key.get(settings.SECRET_KEY)
    if key is None:
        key = _hash_key[settings.SECRET_KEY] = hashlib.blake2b(
            b"cityux-rate-limit:" + settings.SECRET_KEY.encode()
        ).digest()
    return hashlib.blake2b(f"{scope}:{identity}".encode(), key=key, digest_size=12).hexdigest()
