"""`cityux` installed alone into a Wagtail site: no feature apps, no reference site."""

from cityux.settings.test import *  # noqa: F403

FEATURE_APPS = {"cityux_analytics", "cityux_personalize", "cityux_social", "cityux.site"}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in FEATURE_APPS]  # noqa: F405
ROOT_URLCONF = "tests.core_only_urls"
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("cityux_personalize.")]  # noqa: F405

# A site imports its own Celery app in its package's __init__.py (cityux.E003 otherwise).
from cityux.site.celery_app import app as celery_app  # noqa: E402, F401
