"""Ingest: one validated batch becomes session, page view and raw event rows, exactly once."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from cityux.tombstones import is_forgotten

from . import element_names
from .models import PageView, RawEvent, ReceivedBatch, TrackedSession
from .pages import resolve_path
from .privacy import scrub_url

# Wire keys → RawEvent columns (see schema.py for the wire format).
COLUMNS = {
    "x": "x",
    "y": "y",
    "sel": "selector",
    "tag": "tag",
    "int": "interactive",
    "kind": "input_kind",
    "re": "reaction",
    "rms": "reaction_ms",
    "msg": "message",
    "src": "source",
    "dc": "direction_changes",
    "dist": "distance",
    "depth": "depth",
    "form": "form",
    "act": "action",
}


def from_ms(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


@transaction.atomic
def ingest_batch(payload):
    """Store one batch; returns "duplicate" if (session, seq) was already stored, "forgotten"
    if its session or visitor deleted their data (a late batch: dropped), else "stored"."""
    if is_forgotten(visitor_id=payload.get("visitor"), sid=payload.get("sid")):
        return "forgotten"
    events = payload["events"]
    first = from_ms(min(e["ts"] for e in events))
    last = from_ms(max(e["ts"] for e in events))
    # Present only when the resident also agreed to personalisation (see collect's view).
    visitor_id = _visitor_id(payload.get("visitor"))
    session, _ = TrackedSession.objects.get_or_create(
        sid=payload["sid"],
        defaults={"started_at": first, "last_event_at": last, "visitor_id": visitor_id},
    )
    try:
        with transaction.atomic():
            ReceivedBatch.objects.create(
                session=session, seq=payload["seq"], received_at=timezone.now()
            )
    except IntegrityError:
        return "duplicate"

    new_views = _page_views(session, events)
    RawEvent.objects.bulk_create(
        [
            RawEvent(
                session=session,
                view_id=e["vid"],
                ts=e["ts"],
                type=e["t"],
                **{column: e[key] for key, column in COLUMNS.items() if key in e},
            )
            for e in events
        ],
        batch_size=500,
    )
    element_names.remember(session, events, new_views)
    updates = {
        "last_event_at": Greatest(F("last_event_at"), last),
        "events": F("events") + len(events),
        "page_views": F("page_views") + len(new_views),
        # A late batch of a session closed too early reopens it for detection.
        "closed_at": None,
        "detected_at": None,
    }
    if visitor_id is not None and session.visitor_id is None:
        updates["visitor_id"] = visitor_id
    if session.department_id is None:
        department_id = next((v.department_id for v in new_views if v.department_id), None)
        if department_id:
            updates["department_id"] = department_id
    TrackedSession.objects.filter(pk=session.pk).update(**updates)
    return "stored"


def _visitor_id(value):
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _page_views(session, events):
    views = []
    seen = set()
    for event in events:
        # The schema refuses a repeated view id; a batch queued before it did keeps the first.
        if event["t"] != "view" or event["vid"] in seen:
            continue
        seen.add(event["vid"])
        url = scrub_url(event["url"])
        page_id, department_id = resolve_path(url)
        views.append(
            PageView(
                session=session,
                view_id=event["vid"],
                url=url,
                page_id=page_id,
                department_id=department_id,
                started_at=from_ms(event["ts"]),
            )
        )
    if views:
        existing = set(
            PageView.objects.filter(
                session=session, view_id__in=[v.view_id for v in views]
            ).values_list("view_id", flat=True)
        )
        views = [v for v in views if v.view_id not in existing]
        PageView.objects.bulk_create(views)
    return views
