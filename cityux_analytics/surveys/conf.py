"""Survey settings: the `CITYUX_SURVEYS` setting (a dict), read when needed, never at import."""

from django.conf import settings

SURVEY_DEFAULTS = {
    # Requests per minute per client IP address (counted in memory, never stored), and
    # responses per minute to one survey from everyone.
    "RATE_LIMITS": {"ip": 30, "survey": 600, "shown_ip": 120},
    # Bot trap: a response sent sooner than this after the survey opened is dropped.
    "MIN_ELAPSED_MS": 1500,
}


def survey_setting(name):
    """One key of the `CITYUX_SURVEYS` setting, or its default."""
    overrides = getattr(settings, "CITYUX_SURVEYS", None) or {}
    if name == "RATE_LIMITS":
        return {**SURVEY_DEFAULTS[name], **overrides.get(name, {})}
    return overrides.get(name, SURVEY_DEFAULTS[name])
