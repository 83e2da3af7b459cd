"""`cityux` and `cityux_personalize` alone: no other feature app, no reference site."""

from cityux.settings.test import *  # noqa: F403

from . import alone_with

INSTALLED_APPS, MIDDLEWARE = alone_with("cityux_personalize", INSTALLED_APPS, MIDDLEWARE)  # noqa: F405
ROOT_URLCONF = "tests.alone.urls"
