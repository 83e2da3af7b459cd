"""The replay upload's wire format (version 1) and its strict validation.

An upload is a JSON object of at most 256 KB::

    {"v": 1, "sid": "<tracker session id>", "seq": 0, "events": [{"type": 2, "timestamp": 1}]}

`events` are rrweb events, already masked in the browser (see static/cityux_analytics/replay.js).
Only their envelope is checked here: rrweb's event bodies are many and change between versions.
"""

import json
import math

from ..schema import MAX_SEQ, MAX_TS, MIN_TS, SESSION_ID, SchemaError

SCHEMA_VERSION = 1
MAX_UPLOAD_BYTES = 256 * 1024
MAX_EVENTS = 20_000
# rrweb's EventType runs from 0 (DomContentLoaded) to 6 (Plugin); leave room for new ones.
MAX_EVENT_TYPE = 32


def _event_error(event):
    if not isinstance(event, dict):
        return "must be an object"
    kind = event.get("type")
    if kind.__class__ is not int or not 0 <= kind <= MAX_EVENT_TYPE:
        return f"type must be a whole number between 0 and {MAX_EVENT_TYPE}"
    timestamp = event.get("timestamp")
    if timestamp.__class__ not in (int, float) or not (
        math.isfinite(timestamp) and MIN_TS <= timestamp <= MAX_TS
    ):
        return "timestamp must be a time in milliseconds since the epoch"
    return None


def parse_upload(body):
    """The upload in `body` (bytes) as a dict, or SchemaError saying what is wrong."""
    if len(body) > MAX_UPLOAD_BYTES:
        raise SchemaError(f"upload is larger than {MAX_UPLOAD_BYTES} bytes")
    try:
        upload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise SchemaError("upload is not valid JSON") from None
    if not isinstance(upload, dict):
        raise SchemaError("upload must be a JSON object")
    unknown = sorted(set(upload) - {"v", "sid", "seq", "events"})
    if unknown:
        raise SchemaError(f"unknown keys: {', '.join(unknown)}")
    if upload.get("v") != SCHEMA_VERSION or upload.get("v").__class__ is not int:
        raise SchemaError(f"v must be {SCHEMA_VERSION}")
    sid = upload.get("sid")
    if sid.__class__ is not str or not SESSION_ID.fullmatch(sid):
        raise SchemaError("sid must be 16-64 characters of A-Z, a-z, 0-9, _ and -")
    seq = upload.get("seq")
    if seq.__class__ is not int or not 0 <= seq <= MAX_SEQ:
        raise SchemaError(f"seq must be a whole number between 0 and {MAX_SEQ}")
    events = upload.get("events")
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise SchemaError(f"events must be a list of 1 to {MAX_EVENTS} events")
    for index, event in enumerate(events):
        error = _event_error(event)
        if error:
            raise SchemaError(f"events[{index}]: {error}")
    return upload
