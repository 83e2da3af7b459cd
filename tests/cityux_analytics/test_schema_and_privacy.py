import json
import re

import pytest

from cityux_analytics.privacy import scrub_text, scrub_url
from cityux_analytics.schema import MAX_BATCH_BYTES, SchemaError, parse_batch
from tests.cityux_analytics.factories import T0, batch, click, view


def _parse(data):
    return parse_batch(json.dumps(data).encode())


def test_a_valid_batch_parses_into_its_events():
    parsed = _parse(batch([view("/"), click(T0 + 10)], sid="a" * 20, seq=3))
    assert parsed.session_id == "a" * 20 and parsed.seq == 3
    assert [e["t"] for e in parsed.events] == ["view", "click"]
    assert parsed.events[0]["ref"] == "" and parsed.events[1]["int"] is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(v=2), "v: Invalid enum value 2"),
        (lambda b: b.update(sid="short"), "sid: Expected `str` matching regex"),
        (lambda b: b.update(seq=-1), "seq: Expected `int` >= 0"),
        (lambda b: b.update(events=[]), "events: Expected `array` of length >= 1"),
        (lambda b: b.update(extra=1), "batch: Object contains unknown field `extra`"),
        (
            lambda b: b["events"][0].update(value="secret"),
            "events[0]: Object contains unknown field `value`",
        ),
        (lambda b: b["events"][0].update(t="keypress"), "events[0].t: Invalid value 'keypress'"),
        (
            lambda b: b["events"][0].update(url="/" + "a" * 2048),
            "events[0].url: Expected `str` of length <= 2048",
        ),
        (lambda b: b["events"][0].update(ts=12), "events[0].ts: Expected `int` >= 946684800000"),
        (lambda b: b["events"][0].update(ts=T0 + 0.5), "events[0].ts: Expected `int`, got `float`"),
        (lambda b: b["events"][0].update(vid=True), "events[0].vid: Expected `int`, got `bool`"),
        (lambda b: b["events"][0].pop("url"), "events[0]: Object missing required field `url`"),
        (lambda b: b["events"].append(7), "events[1]: Expected `object`, got `int`"),
    ],
)
def test_invalid_batches_are_refused_with_a_message_naming_the_field(change, message):
    data = batch([view("/")])
    change(data)
    with pytest.raises(SchemaError, match=re.escape(message)):
        _parse(data)


def test_click_fields_are_all_checked():
    bad = click(T0)
    bad["re"] = "teleport"
    with pytest.raises(SchemaError, match=r"events\[0\].re: Invalid enum value 'teleport'"):
        _parse(batch([bad]))


def test_more_than_500_events_are_refused():
    with pytest.raises(SchemaError, match="events: Expected `array` of length <= 500"):
        _parse(batch([{"t": "hide", "ts": T0, "vid": 0} for _ in range(501)]))


def test_oversized_and_non_json_bodies_are_refused():
    with pytest.raises(SchemaError, match="larger than"):
        parse_batch(b" " * (MAX_BATCH_BYTES + 1))
    with pytest.raises(SchemaError, match="not valid JSON"):
        parse_batch(b"\xff\xfe{")


def test_query_values_that_look_private_are_redacted():
    url = "/pay?email=ann%40example.com&ref=abcdef0123456789abcdef&page=2&phone=555-123-4567"
    assert scrub_url(url) == "/pay?email=redacted&ref=redacted&page=2&phone=redacted"


def test_urls_lose_their_host_and_hash():
    assert scrub_url("https://city.gov/parks/?q=pool#top") == "/parks/?q=pool"


def test_free_text_loses_emails_and_phone_numbers():
    assert scrub_text("Mail ann@example.com or call (555) 123-4567") == (
        "Mail [email] or call [phone]"
    )
