"""Ingest stores exactly what the batch says (issue 19): every wire key in its column, the
session's first and last event times, counts that add up across batches, the visitor link."""

import datetime
import uuid

import pytest

from cityux.tombstones import forget
from cityux_analytics.ingest import ingest_batch
from cityux_analytics.models import ElementName, PageView, RawEvent, TrackedSession

pytestmark = pytest.mark.django_db
T0 = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC
SID = "k3j9x0a1b2c3d4e5"
CLICK = {
    "t": "click", "ts": T0 + 7, "vid": 0, "x": 12.5, "y": 40.0, "sel": "#go", "tag": "button",
    "int": True, "kind": "link", "re": "navigation", "rms": 85.0,
}  # fmt: skip
OTHERS = [
    {"t": "error", "ts": T0 + 9, "vid": 0, "msg": "boom", "src": "app.js:1"},
    {"t": "move", "ts": T0 + 11, "vid": 0, "dc": 6, "dist": 400.5},
    {"t": "scroll", "ts": T0 + 13, "vid": 0, "depth": 0.75, "dc": 2},
    {"t": "field", "ts": T0 + 15, "vid": 0, "sel": "#email", "form": "#signup", "act": "blur"},
]
COLUMNS = (
    "type", "view_id", "ts", "x", "y", "selector", "tag", "interactive", "input_kind", "reaction",
    "reaction_ms", "message", "source", "direction_changes", "distance", "depth", "form",
    "action",
)  # fmt: skip


def _payload(events, seq=0, visitor=None):
    payload = {"sid": SID, "seq": seq, "events": events}
    if visitor is not None:
        payload["visitor"] = visitor
    return payload


def _at(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def test_every_wire_key_lands_in_its_column(city):
    view = {"t": "view", "ts": T0, "vid": 0, "url": "/services/"}
    assert ingest_batch(_payload([view, CLICK, *OTHERS])) == "stored"

    rows = list(RawEvent.objects.order_by("ts").values_list(*COLUMNS))
    blank = dict.fromkeys(COLUMNS[3:], "")
    for number in ("x", "y", "interactive", "reaction_ms", "direction_changes", "distance"):
        blank[number] = None
    blank["depth"] = None

    def row(kind, vid, ts, **values):
        return (kind, vid, ts, *{**blank, **values}.values())

    assert rows == [
        row("view", 0, T0),
        row("click", 0, T0 + 7, x=12.5, y=40.0, selector="#go", tag="button", interactive=True,
            input_kind="link", reaction="navigation", reaction_ms=85.0),
        row("error", 0, T0 + 9, message="boom", source="app.js:1"),
        row("move", 0, T0 + 11, direction_changes=6, distance=400.5),
        row("scroll", 0, T0 + 13, depth=0.75, direction_changes=2),
        row("field", 0, T0 + 15, selector="#email", form="#signup", action="blur"),
    ]  # fmt: skip


def test_the_session_spans_its_first_to_its_last_event_and_counts_add_up(city):
    events = [
        {**CLICK, "ts": T0 + 5000},
        {"t": "view", "ts": T0 + 1000, "vid": 0, "url": "/a/"},
        {**CLICK, "ts": T0 + 9000},
    ]
    assert ingest_batch(_payload(events)) == "stored"
    session = TrackedSession.objects.get(sid=SID)
    assert (session.started_at, session.last_event_at) == (_at(T0 + 1000), _at(T0 + 9000))
    assert (session.events, session.page_views) == (3, 1)

    # A later batch with an earlier event never moves the last event back; its repeated view
    # is not a second page view; its new one is.
    later = [
        {**CLICK, "ts": T0 + 2000},
        {"t": "view", "ts": T0 + 1000, "vid": 0, "url": "/a/"},
        {"t": "view", "ts": T0 + 9500, "vid": 1, "url": "/b/"},
    ]
    assert ingest_batch(_payload(later, seq=1)) == "stored"
    session.refresh_from_db()
    assert session.last_event_at == _at(T0 + 9500)
    assert (session.events, session.page_views) == (6, 2)
    assert sorted(PageView.objects.values_list("view_id", "url")) == [(0, "/a/"), (1, "/b/")]

    assert ingest_batch(_payload(later, seq=1)) == "duplicate"
    session.refresh_from_db()
    assert (session.events, session.page_views) == (6, 2)


def test_the_first_visitor_id_links_the_session_and_a_bad_one_is_ignored(city):
    first, second = uuid.uuid4(), uuid.uuid4()
    assert ingest_batch(_payload([CLICK], seq=0, visitor="not-a-uuid")) == "stored"
    assert TrackedSession.objects.get(sid=SID).visitor_id is None

    assert ingest_batch(_payload([CLICK], seq=1, visitor=str(first))) == "stored"
    assert ingest_batch(_payload([CLICK], seq=2, visitor=str(second))) == "stored"
    assert TrackedSession.objects.get(sid=SID).visitor_id == first


def test_a_forgotten_visitors_late_batch_is_dropped(city):
    visitor = uuid.uuid4()
    forget(visitor_id=visitor)
    assert ingest_batch(_payload([CLICK], visitor=str(visitor))) == "forgotten"
    assert not TrackedSession.objects.filter(sid=SID).exists()
    assert ingest_batch(_payload([CLICK], visitor=str(uuid.uuid4()))) == "stored"


def test_a_forgotten_sessions_late_batch_is_dropped(city):
    forget(session_ids=[SID])
    assert ingest_batch(_payload([CLICK])) == "forgotten"
    assert not TrackedSession.objects.filter(sid=SID).exists()
    assert RawEvent.objects.count() == 0


def test_ingest_remembers_the_names_a_click_carries(city):
    view = {"t": "view", "ts": T0, "vid": 0, "url": "/report/"}
    named = {**CLICK, "role": "button", "name": "Submit report", "ctx": "Report a pothole"}
    assert ingest_batch(_payload([view, {**named, "ctxr": "form"}])) == "stored"
    row = ElementName.objects.get()
    assert (row.url, row.selector, row.role, row.name, row.context, row.context_role) == (
        "/report/",
        "#go",
        "button",
        "Submit report",
        "Report a pothole",
        "form",
    )
    assert row.seen_at == _at(T0 + 7)
