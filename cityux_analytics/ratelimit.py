"""Fixed-window rate limits for the resident-facing endpoints (collect, replay, surveys).

With a Redis broker the counts live in Redis, so a limit holds across every server process:
one Lua script counts every limit of a request and, for the collect endpoint, queues the batch
in the same round trip when no limit is exceeded (`redis_hit`). Counters are named by a keyed
hash of the session id or IP address and the minute, so Redis never holds an address, and
expire with their window.

Without Redis, or while it cannot be reached, each process counts for itself in memory
(`over_limit`): a site with 5 gunicorn workers then accepts up to 5 × a limit in the worst case.
"""

import hashlib
import threading
import time

from django.conf import settings

_lock = threading.Lock()
_window = {"number": None, "hits": {}}

# KEYS: n counters, then optionally a list; ARGV: n, the counters' expiry, the n limits, then
# optionally the value to LPUSH onto the list when no counter went over its limit.
_SCRIPT = """
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
_scripts = {}


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


_hash_key = {}


def _hashed(scope, identity):
    key = _hash_key.get(settings.SECRET_KEY)
    if key is None:
        key = _hash_key[settings.SECRET_KEY] = hashlib.blake2b(
            b"cityux-rate-limit:" + settings.SECRET_KEY.encode()
        ).digest()
    return hashlib.blake2b(f"{scope}:{identity}".encode(), key=key, digest_size=12).hexdigest()


def redis_hit(client, prefix, limits, window_seconds=60, push=None):
    """Count `limits` (scope, identity, limit) in Redis; True if any is over its limit.

    With `push=(list_key, value)` the value is LPUSHed onto the list in the same script,
    only when no limit is exceeded. Raises redis errors: the caller falls back.
    """
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_SCRIPT)
    number = int(time.time() // window_seconds)
    keys = [f"{prefix}:{number}:{_hashed(scope, identity)}" for scope, identity, _ in limits]
    args = [len(limits), window_seconds + 5, *(limit for _, _, limit in limits)]
    if push is not None:
        keys.append(push[0])
        args.append(push[1])
    return script(keys=keys, args=args) == 1


def reset():
    """Forget every in-process count (tests, or after changing limits)."""
    with _lock:
        _window["number"], _window["hits"] = None, {}
