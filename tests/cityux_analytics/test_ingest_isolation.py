"""Accepted means stored: the schema refuses what ingest cannot store, and a batch that still
fails is dead-lettered without stopping any other batch (buffer, spool, Celery message)."""

import json

import pytest
from django.core.management import call_command

from cityux_analytics import buffer
from cityux_analytics.dead_letters import dead_letter, payload_bytes
from cityux_analytics.ingest import ingest_batch
from cityux_analytics.models import (
    BatchSource,
    DeadLetteredBatch,
    PageView,
    RawEvent,
    ReceivedBatch,
    SpooledBatch,
)
from cityux_analytics.schema import SchemaError, parse_batch
from cityux_analytics.tasks import drain_collect_buffer, drain_spool, ingest
from tests.cityux_analytics import test_collect
from tests.cityux_analytics.factories import T0, batch, body, click, error, new_sid, view

pytestmark = pytest.mark.django_db
redis_buffer = test_collect.redis_buffer  # the fixture: this test's own queue on Redis
URL = "/cityux/collect/"
ORIGIN = {"Origin": "http://testserver"}
LONG_QUERY_URL = "/search?q=" + "é" * 1000  # 1010 characters; 6010 once scrubbed (%C3%A9)


def _post(client, data):
    return client.post(URL, data, content_type="application/json", headers=ORIGIN)


def _refusal(events):
    with pytest.raises(SchemaError) as refused:
        parse_batch(body(events))
    return str(refused.value)


# The schema refuses what ingest cannot store, naming the field.


def test_two_views_sharing_a_view_id_in_one_batch_are_refused():
    events = [view("/a"), click(T0 + 5), view("/b", ts=T0 + 9)]
    assert _refusal(events) == "events[2].vid: view 0 appears twice in the batch"


def test_views_with_distinct_ids_in_one_batch_are_accepted():
    assert len(parse_batch(body([view("/a"), view("/b", ts=T0 + 9, vid=1)])).events) == 2


@pytest.mark.parametrize(
    "event, field",
    [
        (view("/a\x00b"), "url"),
        (click(T0, sel="#a\x00"), "sel"),
        (error(T0, msg="boom\x00"), "msg"),
        (error(T0, src="\x00"), "src"),
    ],
)
def test_a_nul_character_in_any_text_is_refused(event, field):
    assert _refusal([click(T0), event]) == f"events[1].{field}: contains a NUL character"


def test_an_escaped_backslash_before_u0000_is_plain_text_not_a_nul():
    events = parse_batch(body([view("/"), error(T0, msg="C:\\u0000")])).events
    assert events[1]["msg"] == "C:\\u0000"


def test_a_url_that_scrubbing_makes_longer_than_its_column_is_refused():
    assert _refusal([view(LONG_QUERY_URL)]) == (
        "events[0].url: longer than 2048 characters once scrubbed"
    )


def test_a_url_that_cannot_be_split_is_refused():
    assert _refusal([view("//[")]) == "events[0].url: not a URL"


def test_the_endpoint_answers_400_naming_the_field(consented_client):
    response = _post(consented_client, body([view("/"), view("/b", ts=T0 + 1)]))
    assert response.status_code == 400
    assert response.json()["error"].startswith("events[1].vid")
    assert ReceivedBatch.objects.count() == 0


# Ingest keeps going whatever one batch holds.


def test_ingest_stores_the_first_of_two_views_sharing_an_id():
    payload = batch([view("/a"), view("/b", ts=T0 + 1)])
    assert ingest_batch(payload) == "stored"
    assert list(PageView.objects.values_list("url", flat=True)) == ["/a"]
    assert RawEvent.objects.count() == 2


def _queue_raw(client, raw):
    """Queue bytes the way an older release's endpoint (a laxer schema) would have."""
    client.lpush(f"cityux:analytics:collect:{_queue_name()}", raw)


def _queue_name():
    from celery import current_app

    return current_app.conf.task_default_queue


POISON = {
    "two views sharing an id": [view("/a"), view("/b", ts=T0 + 1)],
    "a NUL character": [view("/"), error(T0, msg="\x00")],
    "a URL too long once scrubbed": [view(LONG_QUERY_URL)],
    "a URL that cannot be split": [view("//[")],
}


@pytest.mark.parametrize("poison", POISON.values(), ids=POISON.keys())
def test_a_batch_the_buffer_cannot_store_is_dead_lettered_and_every_other_is_stored(
    consented_client, redis_buffer, poison
):
    raw = body(poison)
    _queue_raw(redis_buffer, raw)
    for seq in range(20):
        assert _post(consented_client, body([view("/"), click(T0 + 5)], seq=seq)).status_code == 204
    assert drain_collect_buffer() == 21
    assert ReceivedBatch.objects.count() == 20
    dead = DeadLetteredBatch.objects.get()
    assert dead.source == BatchSource.BUFFER and bytes(dead.body) == raw
    assert dead.error.startswith("SchemaError: events[")
    assert buffer.pending() == 0 and buffer.processing() == 0


def test_a_poison_left_over_by_a_killed_drainer_does_not_stop_later_drains(
    consented_client, redis_buffer
):
    # The state a drainer killed right after LMOVE leaves: the poison in "processing".
    redis_buffer.lpush(f"cityux:analytics:collect:{_queue_name()}:processing", b"not json")
    _post(consented_client, body([view("/")]))
    assert drain_collect_buffer() == 2
    assert drain_collect_buffer() == 0
    assert ReceivedBatch.objects.count() == 1 and DeadLetteredBatch.objects.count() == 1


def test_a_spooled_batch_that_fails_is_dead_lettered_and_the_others_are_stored():
    broken = {"sid": new_sid(), "seq": 0, "events": [{"t": "view", "vid": 0}]}  # no ts
    SpooledBatch.objects.create(payload=broken)
    SpooledBatch.objects.create(payload=batch([view("/")]))
    assert drain_spool() == 2
    assert SpooledBatch.objects.count() == 0 and ReceivedBatch.objects.count() == 1
    dead = DeadLetteredBatch.objects.get()
    assert dead.source == BatchSource.SPOOL and json.loads(bytes(dead.body)) == broken
    assert dead.error == "KeyError: 'ts'"


def test_a_celery_message_that_fails_is_dead_lettered():
    broken = {"sid": new_sid(), "seq": 0, "events": []}
    assert ingest.apply(args=(broken,)).get() == "dead-lettered"
    assert DeadLetteredBatch.objects.get().source == BatchSource.MESSAGE


def test_a_batch_that_fails_again_is_one_dead_letter_with_its_attempts():
    for _ in range(3):
        dead_letter(b"same bytes", BatchSource.BUFFER, ValueError("nope"))
    dead = DeadLetteredBatch.objects.get()
    assert dead.attempts == 3 and dead.error == "ValueError: nope"


# Retried once the cause is fixed.


def test_retrying_stores_what_now_succeeds_and_keeps_what_still_fails():
    fine = payload_bytes(batch([view("/"), click(T0 + 5)]))
    dead_letter(fine, BatchSource.SPOOL, RuntimeError("database is locked"))
    dead_letter(b'{"events": []}', BatchSource.SPOOL, RuntimeError("still broken"))
    call_command("cityux_retry_dead_letters")
    assert RawEvent.objects.count() == 2
    still = DeadLetteredBatch.objects.get()
    assert still.attempts == 2 and still.error.startswith("ValueError")


def test_retrying_a_buffer_dead_letter_links_its_visitor():
    visitor = "3f0f8b84-61b5-4a3e-9b7e-3d9c1c0c7a10"
    raw = b"v:" + visitor.encode() + b"\n" + body([view("/")])
    dead_letter(raw, BatchSource.BUFFER, RuntimeError("database is locked"))
    call_command("cityux_retry_dead_letters", str(DeadLetteredBatch.objects.get().pk))
    assert DeadLetteredBatch.objects.count() == 0
    assert str(PageView.objects.get().session.visitor_id) == visitor
