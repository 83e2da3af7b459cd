"""Fixed-window request counting in process memory: no database or cache round trip.

Limits apply per server process (a site with 5 gunicorn workers accepts up to 5 × the limit
in the worst case); that keeps the collect path cheap and still stops a runaway client.
"""

import threading
import time

_lock = threading.Lock()
_window = {"number": None, "hits": {}}


def over_limit(scope, identity, limit, window_seconds=60):
    """Count one hit for `identity` in `scope`; True once more than `limit` fall in the window."""
    number = int(time.monotonic() // window_seconds)
    key = (scope, identity)
    with _lock:
        if _window["number"] != number:
            _window["number"], _window["hits"] = number, {}
        hits = _window["hits"][key] = _window["hits"].get(key, 0) + 1
    return hits > limit


def reset():
    """Forget every count (tests, or after changing limits)."""
    with _lock:
        _window["number"], _window["hits"] = None, {}
