"""System checks that tell a city's IT team what its install is missing, in words, instead
of an import crash, a blank click map or a batch that waits 6 s for a broker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import current_app
from django.test import override_settings

from cityux.checks import check_celery, check_companion_apps, check_shared_cache

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from django.core.management import call_command
import django
django.setup()
from django.core import checks
for message in checks.run_checks():
    print(message.id, message.level, message.msg)
"""


def bare_site_checks(tmp_path, drop=(), debug=False):
    """The check messages of tests/bare_site_settings.py, as {id: message}."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.bare_site_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bare.sqlite3'}",
        PYTHONPATH=str(ROOT),
        CITYUX_BARE_DROP=",".join(drop),
        CITYUX_BARE_DEBUG="1" if debug else "0",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return {line.split()[0]: line for line in result.stdout.splitlines()}


@pytest.mark.standalone  # a bare SQLite site whatever DATABASE_URL says
def test_a_bare_site_is_told_what_it_lacks(tmp_path):
    found = bare_site_checks(tmp_path, drop=("django.contrib.humanize", "wagtail_modeladmin"))
    assert "cityux.E003" in found  # no Celery app, DEBUG off: an error
    assert "cityux.E005" in found and "humanize" in found["cityux.E005"]
    assert "cityux.E006" in found and "wagtail_modeladmin" in found["cityux.E006"]
    assert "cityux.W005" in found and "click map" in found["cityux.W005"]


@pytest.mark.standalone  # a bare SQLite site whatever DATABASE_URL says
def test_without_a_celery_app_in_debug_it_is_a_warning(tmp_path):
    found = bare_site_checks(tmp_path, debug=True)
    assert "cityux.W003" in found and "cityux.E003" not in found


@pytest.mark.standalone  # a bare SQLite site whatever DATABASE_URL says
def test_without_cookie_consent_the_check_says_so_rather_than_a_crash(tmp_path):
    found = bare_site_checks(tmp_path, drop=("cookie_consent",))
    assert "cityux.E001" in found and "django-cookie-consent" in found["cityux.E001"]


@pytest.fixture
def worker_app(monkeypatch):
    """The reference site's Celery app as a deployment runs it: a broker, not eager."""
    # Celery lets the CELERY_BROKER_URL environment variable (set in CI) win over its conf.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    app = current_app._get_current_object()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="memory://", task_always_eager=False)
    yield app
    app.conf.update(saved)


def test_a_worker_with_a_per_process_cache_is_warned_of_the_consequence(worker_app):
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem):
        (warning,) = check_shared_cache(None)
    assert warning.id == "cityux.W007" and "page → department map" in warning.msg
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    with override_settings(CACHES=redis):
        assert check_shared_cache(None) == []
    worker_app.conf.task_always_eager = True  # no worker process: one cache is enough
    with override_settings(CACHES=locmem):
        assert check_shared_cache(None) == []


def test_no_broker_and_not_eager_would_publish_to_localhost_amqp(worker_app):
    worker_app.conf.broker_url = None
    (problem,) = check_celery(None)
    assert problem.id == "cityux.E004"
    with override_settings(DEBUG=True):
        assert check_celery(None)[0].id == "cityux.W004"
    worker_app.conf.broker_url = "memory://"
    assert check_celery(None) == []


def test_the_reference_settings_pass_the_companion_checks():
    assert check_companion_apps(None) == []
    with override_settings(X_FRAME_OPTIONS="DENY"):
        assert [p.id for p in check_companion_apps(None)] == ["cityux.W005"]
