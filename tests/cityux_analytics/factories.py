"""Small builders of tracker batches in the wire format (see cityux_analytics/schema.py)."""

import itertools
import json
import secrets

T0 = 1_790_000_000_000  # 2026-09-22, a fixed instant so tests do not depend on the clock
_counter = itertools.count()


def new_sid():
    return secrets.token_hex(10)


def view(url, ts=T0, vid=0, ref=""):
    return {"t": "view", "ts": ts, "vid": vid, "url": url, "ref": ref}


def click(ts, x=100, y=200, sel="#submit", vid=0, reaction="", rms=None, kind="", tag="button"):
    return {
        "t": "click", "ts": ts, "vid": vid, "x": x, "y": y, "sel": sel, "tag": tag,
        "int": True, "kind": kind, "re": reaction, "rms": rms,
    }  # fmt: skip


def error(ts, msg="TypeError: form is undefined", src="/static/app.js:10:5", vid=0):
    return {"t": "error", "ts": ts, "vid": vid, "msg": msg, "src": src}


def batch(events, sid=None, seq=0):
    return {"v": 1, "sid": sid or new_sid(), "seq": seq, "events": events}


def body(events, **kwargs):
    return json.dumps(batch(events, **kwargs)).encode()
