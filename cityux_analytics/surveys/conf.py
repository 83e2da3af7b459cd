"""Survey settings: the `CITYUX_SURVEYS` setting (a dict), read when needed, never at import."""

from cityux.conf import settings_accessor

SURVEY_DEFAULTS = {
    # Requests per minute per client IP address (counted in memory, never stored), and
    # responses per minute to one survey from everyone.
    "RATE_LIMITS": {"ip": 30, "survey": 600, "shown_ip": 120},
    # Bot trap: a response sent sooner than this after the survey opened is dropped.
    "MIN_ELAPSED_MS": 1500,
}


# survey_setting(name): one key of `CITYUX_SURVEYS` (RATE_LIMITS merged), or its default.
survey_setting = settings_accessor("CITYUX_SURVEYS", SURVEY_DEFAULTS)
