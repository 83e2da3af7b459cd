import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cityux_analytics.models import RawEvent, SpooledBatch, TrackedSession
from cityux_analytics.tasks import drain_spool
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, batch, body, click, new_sid, view
from tests.cityux_analytics.fast_path_client import FastPathClient

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["through Django", "fast path"])
def client(request):
    """Every test here runs twice: as a plain Django request, and as the shipped WSGI app
    serves it (cityux_analytics.wsgi.CollectFastPath)."""
    return FastPathClient() if request.param == "fast path" else Client()


URL = "/cityux/collect/"
ORIGIN = {"Origin": "http://testserver"}


def _post(client, data, **headers):
    return client.post(URL, data, content_type="application/json", headers={**ORIGIN, **headers})


def _stored():
    return RawEvent.objects.count() + TrackedSession.objects.count() + SpooledBatch.objects.count()


def test_a_valid_batch_is_accepted_and_ingested(consented_client):
    response = _post(consented_client, body([view("/"), click(T0 + 5)]))
    assert response.status_code == 204
    assert RawEvent.objects.count() == 2


def test_without_consent_the_batch_is_dropped_unread(client, city):
    assert _post(client, body([view("/")])).status_code == 204
    assert _stored() == 0


@pytest.mark.parametrize("signal", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_gpc_or_dnt_drops_the_batch_even_with_consent(consented_client, signal):
    assert _post(consented_client, body([view("/")]), **signal).status_code == 204
    assert _stored() == 0


def test_another_sites_origin_is_refused(consented_client):
    response = consented_client.post(
        URL, body([view("/")]), content_type="application/json",
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403 and "error" in response.json()
    assert _stored() == 0


def test_invalid_batch_gets_a_json_400_and_writes_nothing(consented_client):
    response = _post(consented_client, json.dumps({"v": 1, "sid": "x"}))
    assert response.status_code == 400
    assert "sid" in response.json()["error"]
    assert _stored() == 0


def test_oversized_batch_is_refused(consented_client):
    response = _post(consented_client, b"{" + b" " * 70_000 + b"}")
    assert response.status_code == 400 and "larger than" in response.json()["error"]


def test_get_is_not_allowed(consented_client):
    assert consented_client.get(URL).status_code == 405


def test_a_retried_batch_is_counted_once(consented_client):
    sid = new_sid()
    payload = body([view("/"), click(T0 + 5), click(T0 + 9)], sid=sid, seq=0)
    for _ in range(3):
        assert _post(consented_client, payload).status_code == 204
    assert RawEvent.objects.count() == 3
    _post(consented_client, body([click(T0 + 20)], sid=sid, seq=1))
    assert RawEvent.objects.count() == 4
    assert TrackedSession.objects.get().events == 4


def test_too_many_batches_from_one_session_get_429(consented_client, settings):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 2, "ip": 100}}
    sid = new_sid()
    codes = [
        _post(consented_client, body([view("/")], sid=sid, seq=n)).status_code for n in range(4)
    ]
    assert codes == [204, 204, 429, 429]


def test_with_the_broker_down_batches_are_spooled_then_drained(consented_client):
    with celery_broker("redis://127.0.0.1:1/0"):
        assert _post(consented_client, body([view("/"), click(T0 + 5)])).status_code == 204
    assert SpooledBatch.objects.count() == 1 and RawEvent.objects.count() == 0
    assert drain_spool() == 1
    assert SpooledBatch.objects.count() == 0 and RawEvent.objects.count() == 2


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)


def _mutated_batches():
    base = batch([view("/"), click(T0 + 5)])
    keys = st.sampled_from(["v", "sid", "seq", "events"])
    event_keys = st.sampled_from(["t", "ts", "vid", "url", "x", "sel", "re", "rms", "int", "extra"])

    @st.composite
    def mutate(draw):
        data = json.loads(json.dumps(base))
        if draw(st.booleans()):
            data[draw(keys)] = draw(json_values)
        else:
            data["events"][draw(st.integers(0, 1))][draw(event_keys)] = draw(json_values)
        return json.dumps(data)

    return mutate()


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.one_of(st.binary(max_size=300), json_values.map(json.dumps), _mutated_batches()))
def test_fuzzed_input_never_causes_a_500_and_bad_input_writes_nothing(consented_client, payload):
    before = _stored()
    response = _post(consented_client, payload)
    assert response.status_code in (204, 400)
    if response.status_code == 400:
        assert _stored() == before
        assert response.json()["error"]


@pytest.fixture
def redis_buffer():
    """The project's Celery app on the real Redis broker, with a queue of this test's own."""
    import os
    import uuid

    import redis

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    queue = f"cityux-test-{uuid.uuid4().hex[:10]}"
    with celery_broker(url, queue=queue):
        yield redis.Redis.from_url(url)
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"cityux:analytics:collect:{queue}*"):
        client.delete(key)


def test_with_a_redis_broker_batches_wait_in_the_buffer_until_drained(
    consented_client, redis_buffer
):
    from cityux_analytics import buffer
    from cityux_analytics.tasks import drain_collect_buffer

    for seq in range(3):
        _post(consented_client, body([view("/"), click(T0 + 5)], sid="b" * 20, seq=seq))
    assert buffer.pending() == 3 and RawEvent.objects.count() == 0
    assert drain_collect_buffer() == 3
    assert buffer.pending() == 0 and RawEvent.objects.count() == 6


def test_a_drainer_that_died_midway_loses_nothing_and_counts_nothing_twice(
    consented_client, redis_buffer
):
    from cityux_analytics import buffer
    from cityux_analytics.ingest import ingest_batch

    _post(consented_client, body([view("/")], sid="c" * 20, seq=0))
    _post(consented_client, body([view("/"), click(T0 + 5)], sid="c" * 20, seq=1))

    class WorkerKilled(BaseException):
        """Not an Exception: a killed worker is not a failing batch (that is dead-lettered)."""

    def dies_after_storing(payload):
        ingest_batch(payload)
        raise WorkerKilled

    with pytest.raises(WorkerKilled):
        buffer.drain(dies_after_storing)
    assert buffer.drain(ingest_batch) == 2  # the leftover again (a no-op), then the other
    assert RawEvent.objects.count() == 3


def _resident_with_both_consents(client):
    client.post("/cityux/cookies/", {"action": "accept_all"})
    client.get("/")  # personalisation sets the visitor cookie
    return client.cookies["cityux_vid"].value


def test_a_residents_session_is_linked_to_them_for_my_data(client, city):
    visitor = _resident_with_both_consents(client)
    sid = new_sid()
    assert _post(client, body([view("/")], sid=sid)).status_code == 204
    assert str(TrackedSession.objects.get(sid=sid).visitor_id) == visitor


def test_through_the_redis_buffer_the_link_survives(client, city, redis_buffer):
    from cityux_analytics.tasks import drain_collect_buffer

    visitor = _resident_with_both_consents(client)
    sid = new_sid()
    _post(client, body([view("/")], sid=sid))
    assert drain_collect_buffer() == 1
    assert str(TrackedSession.objects.get(sid=sid).visitor_id) == visitor


def test_through_the_spool_the_link_survives(client, city):
    visitor = _resident_with_both_consents(client)
    sid = new_sid()
    with celery_broker("redis://127.0.0.1:1/0"):
        _post(client, body([view("/")], sid=sid))
    assert drain_spool() == 1
    assert str(TrackedSession.objects.get(sid=sid).visitor_id) == visitor


def test_without_personalisation_consent_no_visitor_is_linked(consented_client):
    consented_client.cookies["cityux_vid"] = "0f8fad5b-d9cb-469f-a165-70867728950e"  # left over
    sid = new_sid()
    _post(consented_client, body([view("/")], sid=sid))
    assert TrackedSession.objects.get(sid=sid).visitor_id is None


def test_with_redis_the_limits_hold_across_server_processes(
    consented_client, settings, redis_buffer
):
    from cityux_analytics import buffer, ratelimit

    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 2, "ip": 100}}
    sid = new_sid()
    codes = []
    for seq in range(4):
        ratelimit.reset()  # as if each batch reached another gunicorn worker
        codes.append(_post(consented_client, body([view("/")], sid=sid, seq=seq)).status_code)
    assert codes == [204, 204, 429, 429]
    assert buffer.pending() == 2  # a refused batch is not queued


def test_redis_holds_no_ip_address_or_session_id(consented_client, redis_buffer):
    sid = new_sid()
    response = consented_client.post(
        URL, body([view("/")], sid=sid), content_type="application/json", headers=ORIGIN,
        REMOTE_ADDR="203.0.113.7",
    )  # fmt: skip
    assert response.status_code == 204
    keys = [key.decode() for key in redis_buffer.scan_iter("cityux:analytics:*")]
    assert any(":rate:" in key for key in keys)
    assert not any("203.0.113.7" in key or sid in key for key in keys)


def test_with_redis_down_the_limits_fall_back_to_the_process(consented_client, settings):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 1, "ip": 100}}
    sid = new_sid()
    with celery_broker("redis://127.0.0.1:1/0"):
        first = _post(consented_client, body([view("/")], sid=sid, seq=0)).status_code
        second = _post(consented_client, body([view("/")], sid=sid, seq=1)).status_code
    assert (first, second) == (204, 429)
    assert SpooledBatch.objects.count() == 1


def test_replay_and_survey_limits_are_shared_through_redis_too(redis_buffer):
    from cityux_analytics import buffer, ratelimit

    hits = []
    for _ in range(3):
        ratelimit.reset()
        hits.append(buffer.over_limits((("replay-session", "s" * 20, 2),)))
    assert hits == [False, False, True]
