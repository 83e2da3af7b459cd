"""CityUX settings, read when needed (never at import time) so tests can override them."""

from django.conf import settings

DEFAULTS = {
    # Template that the resident-facing CityUX pages (cookie settings, my data) extend.
    "BASE_TEMPLATE": "base.html",
    # Reverse proxies in front of Django that append to X-Forwarded-For (see clientip.py).
    "TRUSTED_PROXY_COUNT": 0,
    # A public endpoint whose database or Redis is unavailable answers 503 with this
    # Retry-After (see unavailable.py); it waits at most LOCK_WAIT_SECONDS for a locked row.
    "RETRY_AFTER_SECONDS": 30,
    "LOCK_WAIT_SECONDS": 2,
    # Days a deleted visitor's tombstone is kept (see tombstones.py); None: the longest retention
    # of any table in the data map (cityux.mydata.register_table), so nothing late outlives it.
    "TOMBSTONE_RETENTION_DAYS": None,
}


def cityux_setting(name):
    """The value of `CITYUX_<name>` from Django settings, or its documented default."""
    return getattr(settings, f"CITYUX_{name}", DEFAULTS[name])
