"""Settings that install one CityUX feature app alone with the core (see test_apps_alone.py)."""

# Like any site, these have a Celery app (the reference site's, which is left out of
# INSTALLED_APPS here; cityux.E003 otherwise).
from cityux.site import celery_app  # noqa: F401

FEATURE_APPS = ("cityux_analytics", "cityux_personalize", "cityux_social")


def alone_with(app, installed_apps, middleware):
    """INSTALLED_APPS and MIDDLEWARE of the project with `app` the only feature app (no reference
    site, `cityux.site`, which uses them all)."""
    others = {*FEATURE_APPS, "cityux.site"} - {app}
    apps = [each for each in installed_apps if each not in others]
    middleware = [each for each in middleware if each.split(".")[0] not in others]
    return apps, middleware
