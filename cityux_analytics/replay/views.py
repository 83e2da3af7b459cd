"""`POST /cityux/replay/` stores a replay chunk; the admin player and its events, per department.

The upload writes to the database on the request thread (one small insert): unlike tracker
batches, chunks are rare (only frustrated or sampled sessions) and need no ingest step.
"""

import json

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cityux.admin import forbidden
from cityux.clientip import client_ip
from cityux.consent import ANALYTICS, has_consent
from cityux.mydata import consented_visitor_id
from cityux.tombstones import is_forgotten
from cityux.unavailable import retry_later_when_unavailable

from .. import element_names
from ..buffer import over_limits
from ..conf import analytics_setting
from ..models import PageView, TrackedSession
from ..schema import SchemaError
from ..views.collect import origin_allowed
from .models import ReplayChunk, ReplayFeedback
from .privacy import blocked_offsets, masking_modes
from .schema import MAX_UPLOAD_BYTES, parse_upload
from .sessions import may_see_session


def _refuse(status, message):
    return JsonResponse({"error": message}, status=status)


def _dropped():
    return HttpResponse(status=204)


@csrf_exempt  # sendBeacon cannot carry a CSRF token; the Origin check stands in for it
@require_POST
@retry_later_when_unavailable
def upload_replay(request):
    if not origin_allowed(request):
        return _refuse(403, "This endpoint only accepts replays from this site's pages.")
    if not has_consent(request, ANALYTICS):
        return _dropped()  # unread: no consent, or GPC / DNT
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES:
        return _refuse(400, f"upload is larger than {MAX_UPLOAD_BYTES} bytes")
    try:
        upload = parse_upload(request.read(MAX_UPLOAD_BYTES + 1))
    except SchemaError as error:
        return _refuse(400, str(error))
    limits = analytics_setting("RATE_LIMITS")
    if over_limits(
        (
            ("replay-session", upload["sid"], limits["session"]),
            ("replay-ip", client_ip(request), limits["ip"]),
        )
    ):
        return _refuse(429, "Too many replay uploads; try again later.")
    if is_forgotten(visitor_id=consented_visitor_id(request), sid=upload["sid"]):
        return _refuse(410, "This session was deleted; the recording stops.")
    store_chunk(upload, consented_visitor_id(request))
    return _dropped()


def store_chunk(upload, visitor_id=None):
    """Store the upload's events compressed, once per (session, seq), within the byte cap."""
    data = ReplayChunk.compress(upload["events"])
    now = timezone.now()
    session, _ = TrackedSession.objects.get_or_create(
        sid=upload["sid"],
        defaults={"started_at": now, "last_event_at": now, "visitor_id": visitor_id},
    )
    if visitor_id is not None and session.visitor_id is None:
        TrackedSession.objects.filter(pk=session.pk).update(visitor_id=visitor_id)
    stored = ReplayChunk.objects.filter(session=session).aggregate(total=Sum("size"))["total"]
    if (stored or 0) + len(data) > analytics_setting("REPLAY_MAX_BYTES_PER_SESSION"):
        return False
    try:
        with transaction.atomic():
            ReplayChunk.objects.create(
                session=session, seq=upload["seq"], data=data, size=len(data)
            )
    except IntegrityError:
        return False  # a retried upload: already stored
    return True


# -- the admin player -----------------------------------------------------------------------


def _forbidden(request):
    reason = _("This replay belongs to a department you do not lead.")
    return forbidden(request, reason)


def session_events(session):
    """Every stored rrweb event of `session`, in time order."""
    events = []
    for chunk in session.replay_chunks.order_by("seq"):
        events.extend(chunk.events)
    events.sort(key=lambda event: event["timestamp"])
    return events


def signal_markers(session, events):
    """The session's frustration signals with their offset (ms) into the replay, their element
    in the page's words (`element`, by its tag when the tracker could not name it) and a
    `label` for the timeline ("Rage click on the “Send” button")."""
    start = events[0]["timestamp"] if events else None
    signals = list(session.signals.order_by("occurred_at"))
    words = element_names.words_for((signal.url, signal.selector) for signal in signals)
    markers = []
    for signal in signals:
        offset = None
        if start is not None:
            offset = max(0, round(signal.occurred_at.timestamp() * 1000 - start))
        named = words.get((signal.url, signal.selector), "")
        label = str(signal.get_kind_display())
        if named:
            label = _("%(kind)s on the %(element)s") % {"kind": label, "element": named}
        element = named or element_names.tag_words(signal.selector)
        markers.append({"signal": signal, "offset": offset, "element": element, "label": label})
    return markers


@require_GET
def replay_player(request, session_id):
    session = get_object_or_404(TrackedSession.objects.select_related("department"), pk=session_id)
    if not may_see_session(request.user, session):
        return _forbidden(request)
    events = session_events(session)
    markers = signal_markers(session, events)
    duration = events[-1]["timestamp"] - events[0]["timestamp"] if events else 0
    context = {
        "session": session,
        "page_views": PageView.objects.filter(session=session).order_by("view_id"),
        "markers": markers,
        "duration": duration,
        "has_replay": bool(events),
        "blocked_offsets": blocked_offsets(events),
        "masking": masking_modes(events),
        "events_url": reverse("cityux_replays:events", args=[session.pk]),
        "marker_data": [
            {"offset": each["offset"], "label": str(each["label"])}
            for each in markers
            if each["offset"] is not None
        ],
        "header_title": _("Session replay"),
        "feedback": ReplayFeedback.objects.filter(session=session, user=request.user).first(),
        "feedback_url": reverse("cityux_replays:feedback", args=[session.pk]),
        "list_url": reverse("cityux_replays:list"),
    }
    return TemplateResponse(request, "cityux_analytics/replay/player.html", context)


@require_GET
def replay_events(request, session_id):
    session = get_object_or_404(TrackedSession.objects.select_related("department"), pk=session_id)
    if not may_see_session(request.user, session):
        return _refuse(403, "This replay belongs to a department you do not lead.")
    body = json.dumps(session_events(session), separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def replay_feedback(request, session_id):
    """Store (or change) whether watching this replay was useful; the ranking learns from it."""
    session = get_object_or_404(TrackedSession.objects.select_related("department"), pk=session_id)
    if not may_see_session(request.user, session):
        return _forbidden(request)
    answer = request.POST.get("useful")
    if not session.replay_chunks.exists():
        messages.error(request, _("This session has no replay to judge."))
        return redirect("cityux_replays:player", session.pk)
    if answer not in ("1", "0"):
        messages.error(request, _("Choose “Useful” or “Not useful”."))
        return redirect("cityux_replays:player", session.pk)
    ReplayFeedback.objects.update_or_create(
        session=session, user=request.user, defaults={"useful": answer == "1"}
    )
    if answer == "1":
        messages.success(request, _("Thank you: this replay is marked as useful."))
    else:
        messages.success(request, _("Thank you: this replay is marked as not useful."))
    return redirect("cityux_replays:player", session.pk)
