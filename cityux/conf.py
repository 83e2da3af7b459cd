"""CityUX settings, read when needed (never at import time) so tests can override them.

Every app reads its settings through one accessor made by `settings_accessor()`::

    # cityux_social/conf.py
    DEFAULTS = {"FETCH_MAX_POSTS": 200, "OPEN311": {"ENDPOINT": "", "TIMEOUT": 10.0}}
    social_setting = settings_accessor("CITYUX_SOCIAL", DEFAULTS)
    social_setting("OPEN311")  # {"ENDPOINT": "", "TIMEOUT": 10.0} merged with the override

The accessor reads the Django setting each time it is called (never at import), refuses an
unknown key with `ImproperlyConfigured` naming the known ones (at any depth of a nested dict),
and merges a nested dict over its defaults, so overriding one of its keys keeps the others.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


def merged(setting, defaults, overrides):
    """`overrides` over `defaults`, nested dicts merged key by key; unknown keys refused."""
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured(
            f"{setting} must be a dict, not {type(overrides).__name__}: "
            f"for example {setting} = {{{next(iter(defaults), 'KEY')!r}: ...}}."
        )
    unknown = sorted(set(overrides) - set(defaults), key=str)
    if unknown:
        raise ImproperlyConfigured(
            f"{setting} has unknown keys: {', '.join(map(str, unknown))}. "
            f"Known keys: {', '.join(sorted(defaults))}."
        )
    values = dict(defaults)
    for key, value in overrides.items():
        if isinstance(defaults[key], dict) and defaults[key]:
            value = merged(f"{setting}[{key!r}]", defaults[key], value)
        values[key] = value
    return values


class SettingsAccessor:
    """One app's settings: `accessor(name)` is one value, `accessor.all()` every value.

    With `prefix=True` each key is its own Django setting (`<setting>_<KEY>`, as the core's
    `CITYUX_TRUSTED_PROXY_COUNT`); otherwise the keys live in one dict setting (`CITYUX_SOCIAL`).
    """

    def __init__(self, setting, defaults, *, prefix=False, retired=None):
        self.setting = setting
        self.defaults = defaults
        self.prefix = prefix
        self.retired = retired or {}

    def overrides(self):
        if self.prefix:
            names = {key: f"{self.setting}_{key}" for key in self.defaults}
            return {key: getattr(settings, name) for key, name in names.items()
                    if hasattr(settings, name)}  # fmt: skip
        return getattr(settings, self.setting, None) or {}

    def all(self, *, skip_unknown=False):
        """Every setting: the defaults with the Django settings' overrides merged in.

        `skip_unknown` passes over unknown top-level keys instead of refusing them (for a
        system check that reports them and goes on checking the known ones)."""
        overrides = self.overrides()
        if isinstance(overrides, dict):
            passed_over = self.retired if not skip_unknown else set(overrides) - set(self.defaults)
            overrides = {key: value for key, value in overrides.items() if key not in passed_over}
        return merged(self.setting, self.defaults, overrides)

    def __call__(self, name):
        if name not in self.defaults:
            raise KeyError(f"{self.setting} has no key {name!r}")  # a bug in the caller
        return self.all()[name]

    def __repr__(self):
        return f"<SettingsAccessor {self.setting}>"


def settings_accessor(setting, defaults, *, prefix=False, retired=None):
    """The accessor of the Django setting `setting` (a dict), whose keys default to `defaults`.

    `retired` maps keys a release stopped reading to what to do instead: such a key is passed
    over (the app's system check warns) rather than refused, so an upgrade does not stop a site.
    """
    return SettingsAccessor(setting, defaults, prefix=prefix, retired=retired)


# cityux_setting(name): the value of `CITYUX_<name>` from Django settings, or its default.
cityux_setting = settings_accessor("CITYUX", DEFAULTS, prefix=True)
