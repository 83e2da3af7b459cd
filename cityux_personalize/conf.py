"""Settings of cityux_personalize: `CITYUX_PERSONALIZE = {...}` overrides any default below.

Read when needed (never at import time), so tests can override them.
"""

from cityux.conf import settings_accessor
from cityux.mydata import VISITOR_COOKIE  # noqa: F401  (the core names the cookie)

DEFAULTS = {
    # The visitor's profile is written to the database at most once per this many seconds;
    # in between, updates accumulate in the cache (use a shared cache, e.g. Redis, in production).
    "PROFILE_FLUSH_SECONDS": 60,
    # A new visit starts after this many minutes without a page view.
    "VISIT_GAP_MINUTES": 30,
    # Bounds on what a profile remembers: the most visited pages and departments.
    "MAX_PAGES": 50,
    "MAX_DEPARTMENTS": 30,
    # Lifetime of the anonymous visitor cookie.
    "COOKIE_MAX_AGE_DAYS": 365,
    # A profile not seen for this long is deleted (its cookie has expired), with its drafts and
    # codes; exposures and conversions older than this are deleted too.
    "PROFILE_RETENTION_DAYS": 365,
    # A form draft not saved again for this long is deleted.
    "DRAFT_RETENTION_DAYS": 30,
    # How often a process checks whether another process published a segment.
    "SEGMENT_RELOAD_CHECK_SECONDS": 2,
    # How long a "continue on another device" code works (it is deleted a day after it expires).
    "RESUME_CODE_MINUTES": 30,
    # Wrong codes allowed per visitor profile, and per client address, before entry is locked.
    "RESUME_MAX_FAILURES": 5,
    "RESUME_MAX_FAILURES_PER_ADDRESS": 20,
    "RESUME_LOCKOUT_MINUTES": 15,
    # Codes one profile may ask for per hour.
    "RESUME_CODES_PER_HOUR": 10,
    # The largest form draft kept, as JSON bytes.
    "DRAFT_MAX_BYTES": 20_000,
    # The holdout report shows a lift once each group has this many exposed visitors.
    "REPORT_MIN_VISITORS": 100,
}


# personalize_setting(name): one key of `CITYUX_PERSONALIZE`, or its default.
personalize_setting = settings_accessor("CITYUX_PERSONALIZE", DEFAULTS)
