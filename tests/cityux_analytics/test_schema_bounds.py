"""Every numeric and length bound of the tracker's wire format, exactly at the bound and just
past it (issue 19: a bound moved by one went unnoticed). The bounds are written out here as
numbers, not imported, so a changed constant in schema.py fails a test."""

import json

import pytest

from cityux_analytics.schema import SchemaError, parse_batch

T0 = 1_700_000_000_000
BASE = {
    "view": {"t": "view", "ts": T0, "vid": 0, "url": "/"},
    "click": {
        "t": "click", "ts": T0, "vid": 0, "x": 1, "y": 1, "sel": "a", "tag": "a", "int": True,
        "kind": "", "re": "", "rms": None,
    },
    "error": {"t": "error", "ts": T0, "vid": 0, "msg": "m", "src": "s"},
    "move": {"t": "move", "ts": T0, "vid": 0, "dc": 0, "dist": 0},
    "scroll": {"t": "scroll", "ts": T0, "vid": 0, "depth": 0.5, "dc": 0},
}  # fmt: skip
SID = "k3j9x0a1b2c3d4e5"


def _body(events, seq=0):
    return json.dumps({"v": 1, "sid": SID, "seq": seq, "events": events}).encode()


def _event(kind, **fields):
    return {**BASE[kind], **fields}


# (event type, field, the last value taken, the first value refused)
BOUNDS = [
    ("view", "ts", 946_684_800_000, 946_684_799_999),
    ("view", "ts", 4_102_444_800_000, 4_102_444_800_001),
    ("view", "vid", 0, -1),
    ("view", "vid", 10_000, 10_001),
    ("view", "url", "/" + "a" * 2047, "/" + "a" * 2048),
    ("click", "x", -100_000, -100_000.5),
    ("click", "x", 1_000_000, 1_000_000.5),
    ("click", "y", -100_000, -100_000.5),
    ("click", "y", 1_000_000, 1_000_000.5),
    ("click", "rms", 0, -0.5),
    ("click", "rms", 3_600_000, 3_600_000.5),
    ("click", "sel", "a" * 512, "a" * 513),
    ("click", "tag", "a" * 32, "a" * 33),
    ("click", "name", "n" * 60, "n" * 61),
    ("click", "ctx", "c" * 60, "c" * 61),
    ("error", "msg", "m" * 500, "m" * 501),
    ("error", "src", "s" * 500, "s" * 501),
    ("move", "dc", 0, -1),
    ("move", "dc", 10_000, 10_001),
    ("move", "dist", 0, -0.5),
    ("move", "dist", 1_000_000, 1_000_000.5),
    ("scroll", "depth", 0, -0.01),
    ("scroll", "depth", 1, 1.01),
]


@pytest.mark.parametrize("kind, name, taken, refused", BOUNDS, ids=lambda v: str(v)[:12])
def test_each_event_field_is_taken_at_its_bound_and_refused_just_past_it(
    kind, name, taken, refused
):
    assert parse_batch(_body([_event(kind, **{name: taken})])).events[0][name] == taken
    with pytest.raises(SchemaError, match=rf"events\[0\]\.{name}"):
        parse_batch(_body([_event(kind, **{name: refused})]))


def test_seq_is_taken_from_0_to_100000():
    assert parse_batch(_body([BASE["view"]], seq=0)).seq == 0
    assert parse_batch(_body([BASE["view"]], seq=100_000)).seq == 100_000
    for seq in (-1, 100_001):
        with pytest.raises(SchemaError, match="seq"):
            parse_batch(_body([BASE["view"]], seq=seq))


def test_a_batch_holds_1_to_500_events():
    moves = [_event("move", ts=T0 + n) for n in range(501)]
    assert len(parse_batch(_body(moves[:500])).events) == 500
    assert len(parse_batch(_body(moves[:1])).events) == 1
    for events in (moves, []):
        with pytest.raises(SchemaError, match="events"):
            parse_batch(_body(events))


def test_a_batch_of_exactly_64_kib_is_parsed_and_one_byte_more_is_refused():
    data = _body([BASE["view"]])
    assert parse_batch(data + b" " * (65_536 - len(data))).session_id == SID
    with pytest.raises(SchemaError, match="larger than 65536 bytes"):
        parse_batch(data + b" " * (65_537 - len(data)))


def test_a_views_referrer_is_kept_and_a_null_one_is_read_as_empty():
    views = [_event("view", ref="/from/"), _event("view", vid=1, ref=None)]
    events = parse_batch(_body(views)).events
    assert [event["ref"] for event in events] == ["/from/", ""]


def test_a_view_id_twice_in_one_batch_is_refused_at_its_second_view():
    views = [_event("view"), _event("view", vid=1), _event("view", vid=0)]
    with pytest.raises(SchemaError) as refused:
        parse_batch(_body(views))
    assert str(refused.value) == "events[2].vid: view 0 appears twice in the batch"
    assert len(parse_batch(_body(views[:2])).events) == 2


def test_a_nul_character_is_refused_in_the_field_that_holds_it():
    click = _event("click", tag="bu\x00tton")
    with pytest.raises(SchemaError) as refused:
        parse_batch(_body([_event("view"), click]))
    assert str(refused.value) == "events[1].tag: contains a NUL character"
    assert parse_batch(_body([click | {"tag": "button"}])).events[0]["tag"] == "button"
