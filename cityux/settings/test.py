"""The test run: fast hashing, in-memory e-mail, and the database from DATABASE_URL."""

import os
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "cityux-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests run tasks in-process unless a test points Celery at a real broker and worker itself.
CELERY_TASK_ALWAYS_EAGER = True

# SQLite tests use a file, not memory, so a real Celery worker process can share the database;
# one file per test run, so two runs on one machine never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"cityux-test-{os.getpid()}.sqlite3")
    }
