"""A site as `wagtail start` makes it plus CityUX, minus what CITYUX_BARE_DROP names.

No Celery app is created (the reference site's is not installed), X_FRAME_OPTIONS is Django's
default unless CITYUX_BARE_XFO says otherwise, DEBUG from CITYUX_BARE_DEBUG.
"""

import os

from cityux.settings.test import *  # noqa: F403

DROP = {"cityux.site", *filter(None, os.environ.get("CITYUX_BARE_DROP", "").split(","))}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in DROP]  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if m.split(".")[0] not in DROP]  # noqa: F405
ROOT_URLCONF = "tests.bare_site_urls"
DEBUG = os.environ.get("CITYUX_BARE_DEBUG") == "1"
if "CITYUX_BARE_XFO" in os.environ:
    X_FRAME_OPTIONS = os.environ["CITYUX_BARE_XFO"]
else:
    del X_FRAME_OPTIONS  # noqa: F821
