"""A Redis restart, or a drainer killed at any point, loses no accepted batch and counts none
twice. Each test starts its own `redis-server` (append-only file, fsync per write or every
second) on a free port, with its data in the test's tmp_path, and kills it with SIGKILL."""

import json
import signal
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.core.management import call_command

from cityux_analytics import buffer
from cityux_analytics.ingest import ingest_batch
from cityux_analytics.models import DeadLetteredBatch, RawEvent, ReceivedBatch, SpooledBatch
from cityux_analytics.tasks import drain_collect_buffer, drain_spool
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, body, click, new_sid, view

pytestmark = pytest.mark.django_db
URL = "/cityux/collect/"
ORIGIN = {"Origin": "http://testserver"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server that the test can SIGKILL and start again on the same data."""

    def __init__(self, directory, fsync="always", appendonly="yes"):
        self.port, self.directory, self.process = _free_port(), directory, None
        self.options = ["--appendonly", appendonly, "--appendfsync", fsync, "--save", ""]
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), *self.options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if client.ping():  # answers only once the append-only file is loaded
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture(params=["always", "everysec"])
def redis_server(request, tmp_path):
    """The buffer's Redis with an append-only file, fsynced per write or every second."""
    server = RedisServer(tmp_path, fsync=request.param)
    server.start()
    try:
        with celery_broker(server.url, queue=f"cityux-test-{uuid.uuid4().hex[:10]}"):
            yield server
    finally:
        server.kill()


@pytest.fixture
def unlimited(settings):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 10**9, "ip": 10**9}}


def _send(client, sid, seq):
    raw = body([view(f"/page/{seq}"), click(T0 + 5), click(T0 + 9)], sid=sid, seq=seq)
    response = client.post(URL, raw, content_type="application/json", headers=ORIGIN)
    assert response.status_code == 204
    return 3


def _assert_each_event_stored_once(sent, batches):
    assert RawEvent.objects.count() == sent
    assert ReceivedBatch.objects.count() == batches
    assert DeadLetteredBatch.objects.count() == 0 and SpooledBatch.objects.count() == 0
    assert buffer.pending() == 0 and buffer.processing() == 0


def test_redis_killed_between_drains_loses_no_accepted_event(
    consented_client, unlimited, redis_server
):
    sid, sent = new_sid(), 0
    for seq in range(60):
        sent += _send(consented_client, sid, seq)  # while Redis is down: into the spool
        if seq % 7 == 6 and seq not in range(30, 40):
            drain_collect_buffer()
        if seq == 33:
            redis_server.kill()
        if seq == 39:
            redis_server.start()
    drain_collect_buffer()
    drain_spool()
    _assert_each_event_stored_once(sent, 60)


def test_redis_killed_in_the_middle_of_a_drain_loses_nothing_and_counts_nothing_twice(
    consented_client, unlimited, redis_server
):
    sid, sent = new_sid(), 0
    for seq in range(20):
        sent += _send(consented_client, sid, seq)
    stored = []

    def ingest_then_kill_redis_at_the_fifth(payload):
        outcome = ingest_batch(payload)
        stored.append(payload["seq"])
        if len(stored) == 5:
            redis_server.kill()  # the batch is committed, its LREM never happens
        return outcome

    with pytest.raises(redis.ConnectionError):
        buffer.drain(ingest_then_kill_redis_at_the_fifth, lock_seconds=1)
    redis_server.start()
    client = redis.Redis(port=redis_server.port)
    while client.exists(buffer._key(":lock")):  # the killed drainer's lock expires
        time.sleep(0.1)
    for seq in range(20, 30):
        sent += _send(consented_client, sid, seq)
    assert drain_collect_buffer() == 26  # 15 queued + the 5th again (a duplicate) + 10 new
    _assert_each_event_stored_once(sent, 30)


def test_a_drainer_killed_between_lmove_and_lrem_loses_nothing(
    consented_client, unlimited, redis_server
):
    sid = new_sid()
    for seq in range(3):
        _send(consented_client, sid, seq)
    client = redis.Redis(port=redis_server.port)
    queue, processing = buffer._key(), buffer._key(":processing")
    # What two killed drainers leave: one killed right after LMOVE (not yet stored), one
    # after storing its batch and before LREM.
    client.lmove(queue, processing, "RIGHT", "LEFT")
    taken = client.lmove(queue, processing, "RIGHT", "LEFT")
    ingest_batch(buffer.payload_of(taken))
    redis_server.kill()
    redis_server.start()
    assert client.llen(processing) == 2 and client.llen(queue) == 1
    assert drain_collect_buffer() == 3
    _assert_each_event_stored_once(9, 3)


def test_the_buffer_check_warns_when_redis_does_not_persist(tmp_path):
    server = RedisServer(tmp_path, appendonly="no")
    server.start()
    try:
        with celery_broker(server.url):
            assert "does not persist" in buffer.persistence_warning()
            call_command("check")  # a warning, not an error: the site still starts
    finally:
        server.kill()


def test_the_buffer_check_is_quiet_when_redis_persists_every_second(tmp_path):
    server = RedisServer(tmp_path, fsync="everysec")
    server.start()
    try:
        with celery_broker(server.url):
            assert buffer.persistence_warning() is None
    finally:
        server.kill()


@pytest.mark.parametrize(
    "config, words",
    [
        ({"appendonly": "no", "appendfsync": "everysec"}, "does not persist"),
        ({"appendonly": "yes", "appendfsync": "no"}, "about 30 s"),
        ({"appendonly": "yes", "appendfsync": "everysec"}, None),
        ({"appendonly": "yes", "appendfsync": "always"}, None),
    ],
)
def test_what_a_restart_can_lose_follows_the_persistence_settings(config, words):
    problem = buffer.persistence_problem(config)
    assert problem is None if words is None else words in problem


def test_the_check_says_so_when_config_is_disabled(tmp_path):
    server = RedisServer(tmp_path)
    server.options += ["--rename-command", "CONFIG", ""]
    server.start()
    try:
        with celery_broker(server.url):
            assert "CONFIG is disabled" in buffer.persistence_warning()
    finally:
        server.kill()


def test_the_system_check_reports_the_warning_by_id(tmp_path):
    from cityux_analytics.checks import check_collect_buffer_persists

    server = RedisServer(tmp_path, appendonly="no")
    server.start()
    try:
        with celery_broker(server.url):
            assert [w.id for w in check_collect_buffer_persists(None)] == ["cityux_analytics.W001"]
    finally:
        server.kill()


def test_the_batches_survive_as_sent(consented_client, unlimited, redis_server):
    """The restart keeps the bytes as sent, unicode and all."""
    raw = json.dumps(
        {"v": 1, "sid": new_sid(), "seq": 0, "events": [view("/straße?q=é")]}, ensure_ascii=False
    ).encode()
    consented_client.post(URL, raw, content_type="application/json", headers=ORIGIN)
    redis_server.kill()
    redis_server.start()
    assert drain_collect_buffer() == 1
    assert RawEvent.objects.get().type == "view"
