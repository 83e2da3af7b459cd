"""Hostile request bodies for the fuzz tests of every public endpoint (hypothesis strategies).

`hostile_json(valid)` is mostly `valid` (a dict the endpoint accepts) with one field's value
replaced by something hostile, written as raw JSON so it can be what `json.dumps` never writes:
nesting thousands deep, numbers beyond any float or 64-bit integer, NUL and lone surrogates.
The rest is whole bodies: empty, invalid UTF-8, deep nesting, random JSON.
"""

import json

from hypothesis import strategies as st

DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000
RAW_VALUES = [
    DEEP_ARRAY, DEEP_OBJECT, "9" * 5000, "-" + "9" * 30, "1e999", "-1e999", "1.5", "NaN",
    "Infinity", '"\\u0000"', '"x\\u0000y"', '"\\ud800"', '"' + "x" * 70_000 + '"', "true",
    "false", "null", '""', "[]", "{}", "[null]", '{"": {}}', "0", "-1", '"1"',
]  # fmt: skip
CONTENT_TYPES = [
    "application/json", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
raw_values = st.sampled_from(RAW_VALUES) | json_values.map(json.dumps)
whole_bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=300),
    st.sampled_from([DEEP_ARRAY, DEEP_OBJECT, "\x00", "{", "[1, 2]"]).map(str.encode),
    json_values.map(json.dumps).map(str.encode),
)


def with_value(valid, key, raw):
    """`valid` as JSON bytes, with `key` set to the raw JSON text `raw`."""
    text = json.dumps({**valid, key: "__hostile__"})
    return text.replace('"__hostile__"', raw, 1).encode(errors="surrogatepass")


def hostile_json(valid, extra_keys=("unknown",)):
    """Bodies for an endpoint that accepts `valid`: one field made hostile, or a whole body."""
    keys = st.sampled_from([*valid, *extra_keys])
    one_field = st.builds(lambda key, raw: with_value(valid, key, raw), keys, raw_values)
    return one_field | whole_bodies


content_types = st.sampled_from(CONTENT_TYPES)
