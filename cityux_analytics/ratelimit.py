"""Fixed-window rate limits of the collect, replay and survey endpoints.

The counters live in the core (`cityux.ratelimit`), shared with every other resident-facing
limit; this module keeps the names the analytics code imports. With a Redis broker one Lua
script counts every limit of a request and, for the collect endpoint, queues the batch in the
same round trip (`redis_hit`); without Redis each process counts for itself (`over_any`).
"""

from cityux.ratelimit import over_any, over_limit, redis_hit, reset

__all__ = ["over_any", "over_limit", "redis_hit", "reset"]
