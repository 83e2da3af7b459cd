import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    inherited = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _last_line(result):
    return result.stdout.strip().splitlines()[-1]


def test_production_settings_pass_check_deploy_with_a_realistic_environment():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="cityux.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="www.riverton.gov,riverton.gov",
        CSRF_TRUSTED_ORIGINS="https://www.riverton.gov",
        DATABASE_URL="postgres://cityux@db.internal:5432/cityux",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        # A worker runs beside the site: without a shared cache, cityux.W007 warns.
        CACHE_URL="redis://cache.internal:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage(
        "check",
        DJANGO_SETTINGS_MODULE="cityux.settings.production",
        SECRET_KEY="",
        ALLOWED_HOSTS="www.riverton.gov",
    )
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_database_url_selects_postgresql_and_sqlite_is_the_default():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    base = {"DJANGO_SETTINGS_MODULE": "cityux.settings.dev"}
    sqlite = _manage("shell", "-c", code, **base, DATABASE_URL="")
    postgres = _manage("shell", "-c", code, **base, DATABASE_URL="postgres://u@h:5432/d")
    assert _last_line(sqlite) == "django.db.backends.sqlite3"
    assert _last_line(postgres) == "django.db.backends.postgresql"


def test_tasks_run_eagerly_only_without_a_broker():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    base = {"DJANGO_SETTINGS_MODULE": "cityux.settings.dev"}
    assert _last_line(_manage("shell", "-c", code, **base, CELERY_BROKER_URL="")) == "True"
    broker = _manage("shell", "-c", code, **base, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert _last_line(broker) == "False"
