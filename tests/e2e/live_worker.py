"""A real Celery worker with beat on Redis, for live tests and `bench/live.py`.

The worker runs the project's own beat schedule (`CELERY_BEAT_SCHEDULE`) on a queue of its
own, so the collect buffer drains and live detection run exactly as in production.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def broker_url():
    return os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER


def database_url(settings_dict):
    """The DATABASE_URL of a Django connection's settings (for the worker process)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def redis_problem(url):
    """None if Redis answers at `url`, else why not."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as problem:
        return f"Live tests need Redis at {url} ({problem}); start redis-server."
    return None


@contextlib.contextmanager
def worker_with_beat(database, broker, queue=None):
    """Run `celery worker -B` on `broker` against `database` (a DATABASE_URL); yields
    (process, queue). The beat schedule file lives in a temporary directory."""
    queue = queue or f"cityux-live-{uuid.uuid4().hex[:10]}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "cityux.settings.dev",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    with tempfile.TemporaryDirectory() as schedule_dir:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cityux.site.celery_app", "worker", "-B",
             "-s", str(Path(schedule_dir) / "beat-schedule"), "-Q", queue,
             "--pool", "solo", "--concurrency", "1", "--without-heartbeat",
             "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            yield process, queue
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until(condition, seconds, interval=0.5):
    """Call `condition` until it returns something true; that value, or None at the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None


@pytest.fixture
def live_worker(city_site):
    """A worker with beat for the browser tests, the live server's collect view on its queue."""
    from celery import current_app
    from django.db import connection

    from tests.cityux_analytics.conftest import celery_broker

    broker = broker_url()
    if problem := redis_problem(broker):
        pytest.fail(problem)
    with worker_with_beat(database_url(connection.settings_dict), broker) as (process, queue):
        with celery_broker(broker, queue=queue):
            app = current_app._get_current_object()
            if not wait_until(lambda: app.control.ping(timeout=1), seconds=60):
                pytest.fail(f"The Celery worker did not start (exit code {process.poll()})")
            yield process
