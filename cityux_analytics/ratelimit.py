"""Fixed-window request counting in the cache: no database work on the collect path."""

import hashlib
import time

from django.core.cache import cache


def over_limit(scope, identity, limit, window_seconds=60):
    """Count one hit for `identity` in `scope`; True once more than `limit` fall in the window."""
    window = int(time.time() // window_seconds)
    digest = hashlib.blake2s(identity.encode(), digest_size=12).hexdigest()
    key = f"cityux:rl:{scope}:{digest}:{window}"
    cache.add(key, 0, window_seconds + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds + 1)
        hits = 1
    return hits > limit
