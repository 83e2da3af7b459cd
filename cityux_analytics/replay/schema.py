"""The replay upload's wire format (version 1) and its strict validation.

An upload is a JSON object of at most 256 KB::

    {"v": 1, "sid": "<tracker session id>", "seq": 0, "events": [{"type": 2, "timestamp": 1}]}

`events` are rrweb events, already masked in the browser (see static/cityux_analytics/replay.js).
Only their envelope is checked (`type`, `timestamp`; `data` and `delay` are kept as sent):
rrweb's event bodies are many and change between versions.

Declared as msgspec structs like the tracker's batches (`..schema`): errors name the field, and
no body (deep nesting, huge numbers, invalid UTF-8) gets past the decoder as anything but a
SchemaError.
"""

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from cityux.wire import WireError, decode

from ..schema import MAX_SEQ, MAX_TS, MIN_TS, SESSION_ID, SchemaError

SCHEMA_VERSION = 1
MAX_UPLOAD_BYTES = 256 * 1024
MAX_EVENTS = 20_000
# rrweb's EventType runs from 0 (DomContentLoaded) to 6 (Plugin); leave room for new ones.
MAX_EVENT_TYPE = 32


class ReplayEvent(Struct, omit_defaults=True):
    """One rrweb event: its envelope is checked, its body kept as it came."""

    type: Annotated[int, Meta(ge=0, le=MAX_EVENT_TYPE)]
    timestamp: (
        Annotated[int, Meta(ge=MIN_TS, le=MAX_TS)] | Annotated[float, Meta(ge=MIN_TS, le=MAX_TS)]
    )
    data: Any = None
    delay: float | None = None


class _Upload(Struct, forbid_unknown_fields=True):
    v: Literal[SCHEMA_VERSION]
    sid: Annotated[str, Meta(pattern=f"^{SESSION_ID.pattern}$")]
    seq: Annotated[int, Meta(ge=0, le=MAX_SEQ)]
    events: Annotated[list[ReplayEvent], Meta(min_length=1, max_length=MAX_EVENTS)]


_decoder = msgspec.json.Decoder(_Upload)


def parse_upload(body):
    """The upload in `body` (bytes) as a dict, or SchemaError saying what is wrong."""
    if len(body) > MAX_UPLOAD_BYTES:
        raise SchemaError(f"upload is larger than {MAX_UPLOAD_BYTES} bytes")
    try:
        upload = decode(_decoder, body, what="upload")
    except WireError as error:
        raise SchemaError(str(error)) from None
    return {
        "sid": upload.sid,
        "seq": upload.seq,
        "events": msgspec.to_builtins(upload.events),
    }
