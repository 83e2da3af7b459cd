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
          "mutation", "navigation", "scroll", "selection", "focus"); `rms` ms to it or null
error     `msg`, `src` (truncated by the tracker)
move      `dc` direction changes and `dist` pixels in a one-second window
scroll    `depth` (0-1) reached and `dc` direction changes since the last scroll event
field     `sel` of the field, `form` selector, `act` "focus" or "blur" (never a value)
submit    `form` selector
hide      nothing more: the page was hidden or left
========  ==================================================================================

Unknown keys are refused, so a tracker bug can never smuggle typed values into storage.
"""

import json
import re
from dataclasses import dataclass

SCHEMA_VERSION = 1
MAX_BATCH_BYTES = 64 * 1024
MAX_EVENTS = 500
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# 2000-01-01 .. 2100-01-01 in ms: anything outside is a broken clock or a forged batch.
MIN_TS, MAX_TS = 946_684_800_000, 4_102_444_800_000
MAX_SEQ = 100_000
MAX_VIEW_ID = 10_000

CLICK_KINDS = {"", "text", "select", "canvas", "link"}
REACTIONS = {"", "mutation", "navigation", "scroll", "selection", "focus"}
FIELD_ACTIONS = {"focus", "blur"}


class SchemaError(ValueError):
    """A batch that breaks the wire format; the message says which field and why."""


class _Invalid(Exception):
    """Raised by a field check with the reason only; the caller adds where it happened."""


def _text(limit, choices=None, optional=False):
    def check(value):
        if value is None and optional:
            return ""
        if value.__class__ is not str:
            raise _Invalid("must be a string")
        if len(value) > limit:
            raise _Invalid(f"is longer than {limit} characters")
        if choices is not None and value not in choices:
            raise _Invalid(f"must be one of {sorted(choices)}")
        return value

    return check


def _number(low, high, integer=False, optional=False):
    def check(value):
        if value is None and optional:
            return None
        kind = value.__class__
        if kind is not int and (integer or kind is not float):
            raise _Invalid("must be a whole number" if integer else "must be a number")
        if not low <= value <= high:  # also refuses NaN
            raise _Invalid(f"must be between {low} and {high}")
        return value

    return check


def _flag(value):
    if value.__class__ is not bool:
        raise _Invalid("must be true or false")
    return value


_COORD = _number(-100_000, 1_000_000)
_SELECTOR = _text(512)
FIELDS = {
    "view": {"url": _text(2048), "ref": _text(2048, optional=True)},
    "click": {
        "x": _COORD,
        "y": _COORD,
        "sel": _SELECTOR,
        "tag": _text(32),
        "int": _flag,
        "kind": _text(8, CLICK_KINDS),
        "re": _text(12, REACTIONS),
        "rms": _number(0, 3_600_000, optional=True),
    },
    "error": {"msg": _text(500), "src": _text(500)},
    "move": {"dc": _number(0, 10_000, integer=True), "dist": _number(0, 1_000_000)},
    "scroll": {"depth": _number(0, 1), "dc": _number(0, 10_000, integer=True)},
    "field": {"sel": _SELECTOR, "form": _SELECTOR, "act": _text(8, FIELD_ACTIONS)},
    "submit": {"form": _SELECTOR},
    "hide": {},
}
OPTIONAL = {"ref", "rms"}
COMMON = {"t", "ts", "vid"}
_TS = _number(MIN_TS, MAX_TS, integer=True)
_VID = _number(0, MAX_VIEW_ID, integer=True)
_SEQ = _number(0, MAX_SEQ, integer=True)
ALLOWED_KEYS = {kind: COMMON | set(fields) for kind, fields in FIELDS.items()}


@dataclass(frozen=True)
class Batch:
    session_id: str
    seq: int
    events: list


def _event(raw, index):
    if raw.__class__ is not dict:
        raise SchemaError(f"events[{index}] must be an object")
    kind = raw.get("t")
    fields = FIELDS.get(kind) if kind.__class__ is str else None
    if fields is None:
        raise SchemaError(f"events[{index}].t must be one of {sorted(FIELDS)}")
    if not raw.keys() <= ALLOWED_KEYS[kind]:
        unknown = sorted(set(raw) - ALLOWED_KEYS[kind])
        raise SchemaError(f"events[{index}] has unknown keys {unknown} for type {kind!r}")
    name = "ts"
    try:
        ts = _TS(raw.get("ts"))
        name = "vid"
        event = {"t": kind, "ts": ts, "vid": _VID(raw.get("vid"))}
        for name, check in fields.items():
            if name not in raw and name not in OPTIONAL:
                raise _Invalid(f"is required for type {kind!r}")
            event[name] = check(raw.get(name))
    except _Invalid as problem:
        raise SchemaError(f"events[{index}].{name} {problem}") from None
    return event


def parse_batch(body):
    """Validate raw request bytes and return a Batch, or raise SchemaError saying why."""
    if len(body) > MAX_BATCH_BYTES:
        raise SchemaError(f"batch is larger than {MAX_BATCH_BYTES} bytes")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise SchemaError(f"batch is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise SchemaError("batch must be a JSON object")
    unknown = set(data) - {"v", "sid", "seq", "events"}
    if unknown:
        raise SchemaError(f"batch has unknown keys {sorted(unknown)}")
    if data.get("v") != SCHEMA_VERSION or isinstance(data.get("v"), bool):
        raise SchemaError(f"v must be {SCHEMA_VERSION}")
    sid = data.get("sid")
    if not isinstance(sid, str) or not SESSION_ID.fullmatch(sid):
        raise SchemaError("sid must be 16-64 characters of A-Z, a-z, 0-9, _ or -")
    try:
        seq = _SEQ(data.get("seq"))
    except _Invalid as problem:
        raise SchemaError(f"seq {problem}") from None
    events = data.get("events")
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise SchemaError(f"events must be a list of 1 to {MAX_EVENTS} events")
    return Batch(sid, seq, [_event(raw, i) for i, raw in enumerate(events)])


def batch_payload(batch):
    """The JSON-safe form of a parsed Batch, as ingest takes it (and the spool keeps it)."""
    return {"sid": batch.session_id, "seq": batch.seq, "events": batch.events}
