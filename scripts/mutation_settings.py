"""The test settings, with the SQLite test database at the file scripts/mutation_runner.py names
(a fresh copy of a migrated template for each mutant)."""

import os

from cityux.settings.test import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ["CITYUX_MUTATION_DB"]}  # noqa: F405
