"""The wrong-code lockout holds across server processes and against a concurrent burst."""

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from cityux.consent import PERSONALIZATION
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_personalize.conftest import choose

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
WRONG = {"code": "AAAA-AAAA"}


def database_url():
    """The test database as a DATABASE_URL, for a process of its own."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    return f"postgres://{db['USER'] or ''}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_redis():
    """The project's Celery app on the real Redis broker, with a queue (and keys) of its own."""
    import redis

    queue = f"cityux-test-{uuid.uuid4().hex[:10]}"
    with celery_broker(BROKER, queue=queue):
        yield queue
    client = redis.Redis.from_url(BROKER)
    for key in client.scan_iter(f"cityux:ratelimit:{queue}:*"):
        client.delete(key)


def enter_codes_in_another_process(queue, count, address, limit):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "cityux.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.cityux_personalize.enter_codes", str(count), address,
         str(limit)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_two_server_processes_share_one_address_limit(city, shared_redis):
    first = enter_codes_in_another_process(shared_redis, 5, "203.0.113.7", limit=6)
    second = enter_codes_in_another_process(shared_redis, 5, "203.0.113.7", limit=6)
    assert first == ["evaluated"] * 5
    assert second == ["evaluated"] + ["locked"] * 4


def burst(clients, settings, lock_wait=30):
    """Every client enters a wrong code at the same moment; the answers' kinds, counted."""
    settings.CITYUX_LOCK_WAIT_SECONDS = lock_wait  # SQLite serialises the writers
    start = threading.Barrier(len(clients))
    answers = []

    def enter(client):
        start.wait()
        text = client.post("/cityux/resume/", WRONG).content.decode()
        answers.append("locked" if "Too many wrong codes" in text else "evaluated")

    threads = [threading.Thread(target=enter, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {kind: answers.count(kind) for kind in ("evaluated", "locked")}


def visitors(count, **headers):
    return [choose(Client(**headers), PERSONALIZATION) for _ in range(count)]


@pytest.mark.parametrize("counted_in", ["redis", "cache"])
def test_a_concurrent_burst_has_at_most_the_limit_evaluated(city, settings, request, counted_in):
    if counted_in == "redis":
        request.getfixturevalue("shared_redis")
    settings.CITYUX_PERSONALIZE = {"RESUME_MAX_FAILURES_PER_ADDRESS": 20}
    clients = visitors(40, REMOTE_ADDR="203.0.113.9")
    assert burst(clients, settings) == {"evaluated": 20, "locked": 20}


def test_behind_a_proxy_wrong_codes_of_one_resident_do_not_lock_out_another(city, settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    settings.CITYUX_PERSONALIZE = {"RESUME_MAX_FAILURES_PER_ADDRESS": 3}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    (guesser,) = visitors(1, **proxy, headers={"X-Forwarded-For": "198.51.100.1"})
    (neighbour,) = visitors(1, **proxy, headers={"X-Forwarded-For": "198.51.100.2"})
    for _ in range(3):
        guesser.post("/cityux/resume/", WRONG)
    assert "Too many wrong codes" in guesser.post("/cityux/resume/", WRONG).content.decode()
    assert "not right" in neighbour.post("/cityux/resume/", WRONG).content.decode()


def test_the_right_code_is_given_back_and_never_counts_as_a_failure(city, settings):
    from cityux_personalize import resume

    settings.CITYUX_PERSONALIZE = {"RESUME_MAX_FAILURES_PER_ADDRESS": 1}
    limits = resume.attempt_limits("203.0.113.5")
    for _ in range(3):
        profile = _profile()
        issued = resume.issue_code(profile)
        assert resume.redeem_code(issued.code, limits).used_at is not None


def _profile():
    from django.utils import timezone

    from cityux_personalize.models import VisitorProfile

    now = timezone.now()
    return VisitorProfile.objects.create(visitor_id=uuid.uuid4(), first_seen=now, last_seen=now)
