"""The pipeline on a real Celery worker over Redis: collect → ingest → detect → rollup."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import Page, Site

from cityux.models import Department, DepartmentRootPage
from cityux.site.management.commands.cityux_demo import tree_root
from cityux_analytics.models import FrustrationSignal, PageDailyStats, RawEvent
from cityux_analytics.tasks import drain_collect_buffer, process_sessions
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, body, click, error, view
from tests.conftest import seed_city

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"


def _database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"The Celery worker did not {what} within {seconds} s")


@pytest.fixture
def worker():
    """A real `celery worker` process on its own queue, using the test database."""
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as problem:
        pytest.fail(f"Integration tests need Redis at {BROKER} ({problem}); start redis-server.")
    queue = f"cityux-test-{uuid.uuid4().hex[:10]}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "cityux.settings.dev",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cityux.site.celery_app", "worker", "-Q", queue,
         "--pool", "solo", "--concurrency", "1", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        with celery_broker(BROKER, queue=queue):
            yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def default_home():
    """The default site's home page, made again if a transactional test flushed Wagtail's."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_page
    ContentType.objects.clear_cache()  # the flush made new content type ids
    home = tree_root(Page).add_child(instance=Page(title="Home", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def test_a_real_worker_runs_ingest_detect_and_rollup(client, worker):
    seed_city()
    home = default_home()
    section = home.add_child(instance=Page(title="Business", slug="business"))
    section.add_child(instance=Page(title="Apply", slug="apply"))
    DepartmentRootPage.objects.create(
        department=Department.objects.get(slug="economic-development"), page=section
    )
    client.post("/cityux/cookies/", {"action": "accept_all"})
    events = [
        view("/business/apply/", T0),
        *[click(T0 + 1000 + 300 * i, sel="#submit", reaction="mutation", rms=30) for i in range(4)],
        click(T0 + 8000, sel="#pay", reaction="mutation", rms=20),
        error(T0 + 8200),
    ]
    response = client.post(
        "/cityux/collect/", body(events), content_type="application/json",
        headers={"Origin": "http://testserver"},
    )  # fmt: skip
    assert response.status_code == 204
    drain_collect_buffer.delay()  # the periodic task, as Celery beat would send it
    _wait_for(lambda: RawEvent.objects.count() == len(events), "ingest the batch")

    process_sessions.delay()  # the periodic task, as Celery beat would send it
    _wait_for(lambda: PageDailyStats.objects.exists(), "detect and roll up")
    assert sorted(FrustrationSignal.objects.values_list("kind", "count")) == [
        ("error_click", 1),
        ("rage_click", 4),
    ]
    stats = PageDailyStats.objects.get()
    assert (stats.rage_click, stats.error_click, stats.sessions) == (1, 1, 1)
    assert stats.department.slug == "economic-development"
