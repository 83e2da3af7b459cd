"""The tracker's wire format (version 1) and its strict validation.

A batch is a JSON object, at most 64 KB::

    {"v": 1, "sid": "k3j9x0a1b2c3d4e5", "seq": 0, "events": [...]}

`sid` is the tracker's random session id (16-64 characters of ``[A-Za-z0-9_-]``), `seq` numbers
the batches of a session from 0 so a retried batch is recognised, and `events` holds 1 to 500
events. Every event has `t` (its type), `ts` (milliseconds since the epoch) and `vid` (the page
view number within the session, from 0). By type:

========  ==================================================================================
view      `url` path and query (already scrubbed by the tracker), `ref` referrer (optional)
click     `x`, `y` page coordinates; `sel` stable CSS selector; `tag`; `int` interactive?;
          `kind` "", "text", "select", "canvas" or "link"; `re` first reaction ("",
          "mutation", "navigation", "scroll", "selection", "focus"); `rms` ms to it or null;
          optional, in the page's own words: `role` of a button, link, heading, label or
          landmark and its `name` (≤ 60 characters), the nearest heading's or landmark's name
          `ctx` and that landmark's role `ctxr` (never the text of a form field)
error     `msg`, `src` (truncated by the tracker)
move      `dc` direction changes and `dist` pixels in a one-second window
scroll    `depth` (0-1) reached and `dc` direction changes since the last scroll event
field     `sel` of the field, `form` selector, `act` "focus" or "blur" (never a value)
submit    `form` selector
hide      nothing more: the page was hidden or left
========  ==================================================================================

Unknown keys are refused, so a tracker bug can never smuggle typed values into storage.

The format is declared as msgspec structs and checked by msgspec's decoder in one pass over the
bytes (about 20 µs for a typical batch, against ~130 µs for `json.loads` plus a check in
Python): the collect endpoint validates every batch on the request thread.
"""

import re
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct, field

from .privacy import scrub_url

SCHEMA_VERSION = 1
MAX_BATCH_BYTES = 64 * 1024
MAX_EVENTS = 500
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# 2000-01-01 .. 2100-01-01 in ms: anything outside is a broken clock or a forged batch.
MIN_TS, MAX_TS = 946_684_800_000, 4_102_444_800_000
MAX_SEQ = 100_000
MAX_VIEW_ID = 10_000
MAX_URL = 2048  # PageView.url's column
# JSON can only spell a NUL character this way; PostgreSQL text columns refuse it.
_NUL = b"\\u0000"


class SchemaError(ValueError):
    """A batch that breaks the wire format; the message says which field and why."""


def _text(limit):
    return Annotated[str, Meta(max_length=limit)]


def _number(low, high, kind=float):
    return Annotated[kind, Meta(ge=low, le=high)]  # NaN is not JSON; ±inf fails the bounds


Coordinate = _number(-100_000, 1_000_000)
Selector = _text(512)
Count = _number(0, 10_000, int)


class Event(Struct, forbid_unknown_fields=True, tag_field="t"):
    ts: _number(MIN_TS, MAX_TS, int)
    vid: _number(0, MAX_VIEW_ID, int)


class View(Event, tag="view"):
    url: _text(MAX_URL)
    ref: _text(MAX_URL) | None = ""

    def __post_init__(self):
        if self.ref is None:
            self.ref = ""


# The roles the tracker names an element by (tracker.js `NAMED` and `LANDMARK`).
LANDMARK_ROLES = ("navigation", "main", "complementary", "form", "region", "search")
NAMED_ROLES = ("button", "link", "heading", "label", *LANDMARK_ROLES)
MAX_NAME = 60
Name = _text(MAX_NAME)


class Click(Event, tag="click"):
    x: Coordinate
    y: Coordinate
    sel: Selector
    tag: _text(32)
    interactive: bool = field(name="int")
    kind: Literal["", "text", "select", "canvas", "link"]
    re: Literal["", "mutation", "navigation", "scroll", "selection", "focus"]
    rms: _number(0, 3_600_000) | None = None
    role: Literal["", *NAMED_ROLES] = ""
    name: Name = ""
    ctx: Name = ""
    ctxr: Literal["", *LANDMARK_ROLES] = ""


class ScriptError(Event, tag="error"):
    msg: _text(500)
    src: _text(500)


class Move(Event, tag="move"):
    dc: Count
    dist: _number(0, 1_000_000)


class Scroll(Event, tag="scroll"):
    depth: _number(0, 1)
    dc: Count


class FormField(Event, tag="field"):
    sel: Selector
    form: Selector
    act: Literal["focus", "blur"]


class Submit(Event, tag="submit"):
    form: Selector


class Hide(Event, tag="hide"):
    pass


class _Wire(Struct, forbid_unknown_fields=True):
    v: Literal[SCHEMA_VERSION]
    sid: Annotated[str, Meta(pattern=f"^{SESSION_ID.pattern}$")]
    seq: _number(0, MAX_SEQ, int)
    events: Annotated[
        list[View | Click | ScriptError | Move | Scroll | FormField | Submit | Hide],
        Meta(min_length=1, max_length=MAX_EVENTS),
    ]


_decoder = msgspec.json.Decoder(_Wire)
_AT = re.compile(r"^(?P<what>.*) - at `\$\.?(?P<where>.*)`$")


class Batch:
    """A valid batch: `session_id`, `seq` and `events`, the events as dicts for ingest."""

    __slots__ = ("session_id", "seq", "_wire", "_events")

    def __init__(self, wire):
        self.session_id, self.seq, self._wire, self._events = wire.sid, wire.seq, wire, None

    @property
    def events(self):
        # Built on first use only: with the Redis buffer the endpoint queues the bytes as sent.
        if self._events is None:
            self._events = msgspec.to_builtins(self._wire.events)
        return self._events


def parse_batch(body):
    """Validate raw request bytes and return a Batch, or raise SchemaError saying why."""
    if len(body) > MAX_BATCH_BYTES:
        raise SchemaError(f"batch is larger than {MAX_BATCH_BYTES} bytes")
    try:
        wire = _decoder.decode(body)
    except msgspec.ValidationError as error:
        found = _AT.match(str(error))
        if found is None:
            raise SchemaError(f"batch: {error}") from None
        raise SchemaError(f"{found['where'] or 'batch'}: {found['what']}") from None
    except msgspec.DecodeError as error:
        raise SchemaError(f"batch is not valid JSON: {error}") from None
    _check_storable(wire, body)
    return Batch(wire)


def _check_storable(wire, body):
    """Refuse what the wire format allows but ingest could not store.

    Every view of a batch starts its own page view row, so a view id appears once; no text
    holds a NUL character; a URL still fits its column once `scrub_url` has re-encoded it.
    """
    seen = set()
    for index, event in enumerate(wire.events):
        if type(event) is View:
            if event.vid in seen:
                raise SchemaError(
                    f"events[{index}].vid: view {event.vid} appears twice in the batch"
                )
            seen.add(event.vid)
            try:
                scrubbed = scrub_url(event.url)
            except ValueError:  # urlsplit refuses e.g. "//[::1"
                raise SchemaError(f"events[{index}].url: not a URL") from None
            if len(scrubbed) > MAX_URL:
                raise SchemaError(
                    f"events[{index}].url: longer than {MAX_URL} characters once scrubbed"
                )
    if _NUL in body:  # rare: look for the field only then
        for index, event in enumerate(wire.events):
            for name in event.__struct_fields__:
                value = getattr(event, name)
                if isinstance(value, str) and "\x00" in value:
                    raise SchemaError(f"events[{index}].{name}: contains a NUL character")


def batch_payload(batch, visitor_id=None):
    """The JSON-safe form of a parsed Batch, as ingest takes it (and the spool keeps it)."""
    payload = {"sid": batch.session_id, "seq": batch.seq, "events": batch.events}
    if visitor_id is not None:
        payload["visitor"] = str(visitor_id)
    return payload
