"""The collect invariant, as a property: every batch the endpoint answers 204 is stored (once)
or dead-lettered with a reason, and the queue always drains.

Batches are generated to be hostile yet close to the wire format: repeated view ids, NUL
characters, URLs that scrubbing makes longer, any unicode. Run on SQLite and PostgreSQL
(DATABASE_URL), through the Redis buffer and through the eager Celery path.
"""

import json

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cityux_analytics import buffer
from cityux_analytics.dead_letters import decode
from cityux_analytics.models import (
    DeadLetteredBatch,
    ElementName,
    PageView,
    RawEvent,
    ReceivedBatch,
    SpooledBatch,
)
from cityux_analytics.tasks import drain_collect_buffer, drain_spool
from tests.cityux_analytics import test_collect
from tests.cityux_analytics.factories import T0

pytestmark = pytest.mark.django_db
redis_buffer = test_collect.redis_buffer  # the fixture: this test's own queue on Redis
URL = "/cityux/collect/"
ORIGIN = {"Origin": "http://testserver"}

short_texts = st.one_of(
    st.text(max_size=20), st.text(alphabet=st.sampled_from("a\x00é/?=&%#\u2028😀"), max_size=20)
)
# Long text, near and past the column lengths (2048 for URLs, 500 and 512 for the rest).
long_texts = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "é", "%", " ", "😀"]), st.integers(400, 2100)
)
texts = st.one_of(short_texts, short_texts, long_texts)
urls = st.one_of(
    st.builds(lambda path, q: f"/{path}?q={q}", short_texts, texts),
    st.builds(lambda q: f"/search?q={q}", long_texts),
    texts,
)
common = {"ts": st.integers(T0, T0 + 60_000), "vid": st.integers(0, 2)}
views = st.fixed_dictionaries({"t": st.just("view"), **common, "url": urls, "ref": short_texts})
events = st.one_of(
    views,
    views,
    st.fixed_dictionaries(
        {
            "t": st.just("click"),
            **common,
            "x": st.integers(0, 2000),
            "y": st.integers(0, 2000),
            "sel": texts,
            "tag": st.text(max_size=10),
            "int": st.booleans(),
            "kind": st.just(""),
            "re": st.just(""),
            "rms": st.none(),
        }
    ),  # fmt: skip
    st.fixed_dictionaries({"t": st.just("error"), **common, "msg": texts, "src": short_texts}),
    st.fixed_dictionaries(
        {"t": st.just("field"), **common, "sel": short_texts, "form": texts, "act": st.just("blur")}
    ),
)
batches = st.lists(
    st.fixed_dictionaries(
        {
            "v": st.just(1),
            "sid": st.sampled_from(["a" * 16, "b" * 20, "c-d_e" * 4]),
            "seq": st.integers(0, 3),
            "events": st.lists(events, min_size=1, max_size=6),
        }
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def unlimited(settings):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 10**9, "ip": 10**9}}


def _send(client, sent):
    """Post each batch; returns the (sid, seq) of those answered 204."""
    accepted = []
    for data in sent:
        raw = json.dumps(data, ensure_ascii=bool(data["seq"] % 2)).encode()
        response = client.post(URL, raw, content_type="application/json", headers=ORIGIN)
        assert response.status_code in (204, 400), response.content
        if response.status_code == 204:
            accepted.append(data)
    return accepted


def _dead_lettered():
    """(sid, seq) of every dead letter, each of which must carry a reason."""
    found = set()
    for row in DeadLetteredBatch.objects.all():
        assert row.error
        payload = decode(row.source, bytes(row.body))
        found.add((payload["sid"], payload["seq"]))
    return found


def _check_invariant(accepted):
    stored = set(ReceivedBatch.objects.values_list("session__sid", "seq"))
    dead = _dead_lettered()
    for data in accepted:
        assert (data["sid"], data["seq"]) in stored | dead
    # Counted once: a (session, seq) sent again adds nothing.
    first = {}
    for data in accepted:
        first.setdefault((data["sid"], data["seq"]), data)
    expected = sum(len(d["events"]) for key, d in first.items() if key in stored)
    assert RawEvent.objects.count() == expected
    assert SpooledBatch.objects.count() == 0


def _fresh():
    for model in (RawEvent, ReceivedBatch, DeadLetteredBatch, SpooledBatch):
        model.objects.all().delete()


SETTINGS = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(sent=batches)
def test_through_the_redis_buffer_every_accepted_batch_is_stored_or_dead_lettered(
    consented_client, unlimited, redis_buffer, sent
):
    _fresh()
    accepted = _send(consented_client, sent)
    event(f"{len(accepted)} of {len(sent)} accepted")
    drain_collect_buffer()
    assert buffer.pending() == 0 and buffer.processing() == 0
    _check_invariant(accepted)


@SETTINGS
@given(sent=batches)
def test_through_eager_celery_every_accepted_batch_is_stored_or_dead_lettered(
    consented_client, unlimited, sent
):
    _fresh()
    accepted = _send(consented_client, sent)
    event(f"{len(accepted)} of {len(sent)} accepted")
    drain_spool()
    _check_invariant(accepted)


# -- exactly at the column limits ---------------------------------------------------------------

# Each wire field and the column it is stored in; the limit is read from the model, so a
# changed column is tested at its new limit.
COLUMNS = [
    ("view", "url", "url"),
    ("click", "sel", "selector"),
    ("click", "tag", "tag"),
    ("click", "name", "name"),
    ("click", "ctx", "context"),
    ("error", "msg", "message"),
    ("error", "src", "source"),
    ("field", "form", "form"),
]
BASE = {
    "view": {"url": "/", "ref": ""},
    "click": {
        **{"x": 1, "y": 1, "sel": "#a", "tag": "button", "int": True, "kind": "", "re": ""},
        **{"role": "button", "ctxr": "form"},
    },
    "error": {"msg": "boom", "src": "/app.js"},
    "field": {"sel": "#f", "form": "#form", "act": "blur"},
}


def _column_limit(column):
    model = PageView if column == "url" else RawEvent  # a view's URL is kept on its PageView
    if column in ("name", "context"):
        model = ElementName  # a click's words are kept by element
    return model._meta.get_field(column).max_length


@pytest.mark.parametrize("char", ["a", "😀"])
@pytest.mark.parametrize("over", [0, 1])
@pytest.mark.parametrize(("kind", "field", "column"), COLUMNS)
def test_a_value_at_its_column_limit_is_stored_or_refused_never_dead_lettered(
    consented_client, unlimited, kind, field, column, over, char
):
    """At and just over each column's length, in one- and four-byte
    characters: a 400 that names the field, or stored; a dead letter would mean the schema let
    through what the database cannot hold."""
    limit = _column_limit(column)
    value = char * (limit + over)
    if field == "url":
        value = "/" + value[1:]
    event = {"t": kind, "ts": T0, "vid": 0, **BASE[kind], field: value}
    events = [event] if kind == "view" else [{"t": "view", "ts": T0, "vid": 0, "url": "/"}, event]
    data = {"v": 1, "sid": "limit-" + "x" * 10, "seq": 0, "events": events}
    response = consented_client.post(
        URL, json.dumps(data).encode(), content_type="application/json", headers=ORIGIN
    )
    if response.status_code == 400:
        assert field in response.json()["error"] or column in response.json()["error"]
        assert over > 0, "a value that fits its column was refused"
        return
    assert response.status_code == 204
    drain_spool()
    assert not DeadLetteredBatch.objects.exists(), DeadLetteredBatch.objects.first().error
    assert ReceivedBatch.objects.filter(session__sid=data["sid"], seq=0).exists()
    assert RawEvent.objects.count() == len(events)
    if column in ("name", "context"):
        assert getattr(ElementName.objects.get(), column) == value
