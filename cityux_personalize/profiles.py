"""The visitor profile on the request path: consent-gated, cached, written in batches.

A consenting visitor's profile state lives in the cache between database writes: every request
updates the cached state, and the database row is written at most once per
`PROFILE_FLUSH_SECONDS` per visitor (on that visitor's request; no Celery task is needed). A
new visitor's row is created on the first request, so other code can point at it.
"""

import datetime
import time
import uuid
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cityux.consent import PERSONALIZATION, has_consent
from cityux.tombstones import is_forgotten

from . import visits
from .conf import VISITOR_COOKIE, personalize_setting
from .models import VisitorProfile
from .signals import profiles_merged

_CACHE_PREFIX = "cityux_personalize:profile:"
_CACHE_SECONDS = 60 * 60 * 24 * 30
_STATE_FIELDS = (
    "visit_count",
    "page_visits",
    "department_interest",
    "device_class",
    "referrer_host",
    "campaign",
    "language",
    "answers",
)


def personalization_allowed(request):
    """has_consent(request, "personalization"), asked once per request."""
    allowed = getattr(request, "_cityux_personalization", None)
    if allowed is None:
        allowed = has_consent(request, PERSONALIZATION) and not _sent_before_deletion(request)
        request._cityux_personalization = allowed
    return allowed


def _sent_before_deletion(request):
    """The cookie names a visitor who deleted their data: the request left the browser before
    the deletion's response removed the cookie, and nothing of it may be written (nor a new
    profile made from it). Asked only when nothing is cached for the cookie: no query for a
    returning visitor."""
    visitor_id = _valid_uuid(request.COOKIES.get(VISITOR_COOKIE))
    if visitor_id is None or cache.get(_cache_key(visitor_id)) is not None:
        return False
    return is_forgotten(visitor_id=visitor_id)


def get_profile(request):
    """The visitor's profile for this request, or None without consent (or with GPC / DNT).

    The first call in a request counts the request (visits, device, campaign, ...); the
    returned instance reflects the cached state, which may be newer than the database row.
    """
    if not personalization_allowed(request):
        return None
    state = _request_state(request)
    return _instance(state)


def shown_in_admin(request):
    """A page framed by the Wagtail admin (the click map): staff looking, not a resident."""
    if request.headers.get("Sec-Fetch-Dest") != "iframe":
        return False
    try:
        admin = reverse("wagtailadmin_home")
    except NoReverseMatch:
        return False
    return urlsplit(request.headers.get("Referer", "")).path.startswith(admin)


def note_page_view(request, page):
    """Count a view of a Wagtail page (and its department) in the visitor's profile."""
    if not personalization_allowed(request) or shown_in_admin(request):
        return
    from cityux.departments import department_id_for_path

    state = _request_state(request)
    request._cityux_profile_state = visits.record_page_view(
        state,
        page.pk,
        department_id_for_path(page.path),
        personalize_setting("MAX_PAGES"),
        personalize_setting("MAX_DEPARTMENTS"),
    )


def update_profile(request, **changes):
    """Set the visitor's area_id or add answers (a dict); False without consent."""
    if not personalization_allowed(request):
        return False
    state = dict(_request_state(request))
    if "area_id" in changes:
        state["area_id"] = changes["area_id"]
    if "answers" in changes:
        state["answers"] = {**state["answers"], **changes["answers"]}
    state["flushed_at"] = None  # a resident's explicit choice is written at once
    request._cityux_profile_state = state
    return True


def profile_for_user(user):
    """The most recently seen profile linked to a signed-in user, or None."""
    if user is None or not user.is_authenticated:
        return None
    return VisitorProfile.objects.filter(user=user, merged_into=None).order_by("-last_seen").first()


def merge_profiles(keep, other):
    """Move `other`'s counts, answers and area into `keep`; `other` then points at `keep`.

    Sends `profiles_merged(keep, other)` so other apps move their rows (drafts, goals).
    """
    if keep.pk == other.pk:
        return keep
    flush_profile(keep.visitor_id)
    flush_profile(other.visitor_id)
    with transaction.atomic():
        keep = VisitorProfile.objects.select_for_update().get(pk=keep.pk)
        other = VisitorProfile.objects.select_for_update().get(pk=other.pk)
        keep.first_seen = min(keep.first_seen, other.first_seen)
        keep.last_seen = max(keep.last_seen, other.last_seen)
        keep.visit_count += other.visit_count
        keep.page_visits = visits.merge_counts(
            keep.page_visits, other.page_visits, personalize_setting("MAX_PAGES")
        )
        keep.department_interest = visits.merge_counts(
            keep.department_interest,
            other.department_interest,
            personalize_setting("MAX_DEPARTMENTS"),
        )
        keep.answers = {**other.answers, **keep.answers}
        keep.area_id = keep.area_id or other.area_id
        keep.user_id = keep.user_id or other.user_id
        for field in ("device_class", "referrer_host", "campaign", "language"):
            setattr(keep, field, getattr(keep, field) or getattr(other, field))
        keep.save()
        # The other device's cookie now leads to `keep`; nothing of it is kept twice.
        VisitorProfile.objects.filter(pk=other.pk).update(
            merged_into=keep,
            visit_count=0,
            page_visits={},
            department_interest={},
            answers={},
            area=None,
            referrer_host="",
            campaign="",
        )
        VisitorProfile.objects.filter(merged_into=other).update(merged_into=keep)
        other.refresh_from_db()
        profiles_merged.send(sender=VisitorProfile, keep=keep, other=other)
    forget_profile(keep.visitor_id)
    forget_profile(other.visitor_id)
    return keep


def flush_profile(visitor_id):
    """Write a visitor's cached state to the database now (e.g. before reading the row)."""
    state = cache.get(_cache_key(visitor_id))
    if state is not None and state["pk"] is not None:
        _write(state, time.time())
        cache.set(_cache_key(visitor_id), state, _CACHE_SECONDS)


def forget_profile(visitor_id, **kwargs):
    """Drop a visitor's cached state (after a merge, or when the profile is deleted)."""
    cache.delete(_cache_key(visitor_id))


def finish_request(request, response):
    """Save the state this request changed (cache; database when due) and set the cookie."""
    state = getattr(request, "_cityux_profile_state", None)
    if state is None:
        return
    if request.COOKIES.get(VISITOR_COOKIE) == state["visitor_id"] and is_forgotten(
        visitor_id=state["visitor_id"]
    ):
        forget_profile(state["visitor_id"])  # deleted while this request ran: write nothing
        return
    now = time.time()
    if visits.flush_due(state, now, personalize_setting("PROFILE_FLUSH_SECONDS")):
        if not _write(state, now):
            forget_profile(state["visitor_id"])
            return
    cache.set(_cache_key(state["visitor_id"]), state, _CACHE_SECONDS)
    # Set on a new id, and once per visit to keep the cookie alive; not on every response.
    if request.COOKIES.get(VISITOR_COOKIE) != state["visitor_id"] or getattr(
        request, "_cityux_new_visit", False
    ):
        response.set_cookie(
            VISITOR_COOKIE,
            state["visitor_id"],
            max_age=personalize_setting("COOKIE_MAX_AGE_DAYS") * 86400,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )


def _request_state(request):
    state = getattr(request, "_cityux_profile_state", None)
    if state is None:
        loaded = _load_state(request.COOKIES.get(VISITOR_COOKIE))
        state = visits.record_request(
            loaded,
            time.time(),
            _request_facts(request),
            personalize_setting("VISIT_GAP_MINUTES") * 60,
        )
        if state["pk"] is None:
            state = _create(state)
        request._cityux_new_visit = state["visit_count"] != loaded["visit_count"]
        request._cityux_profile_state = state
    return state


def _load_state(cookie_value):
    """The cached state of the cookie's visitor, else the database row, else a new visitor."""
    visitor_id = _valid_uuid(cookie_value)
    if visitor_id is not None:
        state = cache.get(_cache_key(visitor_id))
        if state is not None:
            return state
        profile = VisitorProfile.objects.filter(visitor_id=visitor_id).first()
        # A profile merged into another (resume on another device) leads to the one kept.
        for _hop in range(5):
            if profile is None or profile.merged_into_id is None:
                break
            profile = VisitorProfile.objects.filter(pk=profile.merged_into_id).first()
        if profile is not None and profile.merged_into_id is None:
            return _state_from(profile)
    # No cookie, a bad one, or a deleted profile: a fresh id, never one the browser chose.
    return visits.new_state(uuid.uuid4(), time.time())


def _request_facts(request):
    user = getattr(request, "user", None)
    return {
        "device_class": visits.device_class_for(request.headers.get("User-Agent", "")),
        "referrer_host": visits.referrer_host_of(
            request.headers.get("Referer"), request.get_host()
        ),
        "campaign": request.GET.get("utm_campaign", "").strip(),
        "language": visits.primary_language(request.headers.get("Accept-Language")),
        "user_id": user.pk if user is not None and user.is_authenticated else None,
    }


def _state_from(profile):
    state = visits.new_state(profile.visitor_id, profile.first_seen.timestamp())
    state.update(
        pk=profile.pk,
        user_id=profile.user_id,
        last_seen=profile.last_seen.timestamp(),
        area_id=profile.area_id,
        flushed_at=time.time(),
        **{field: getattr(profile, field) for field in _STATE_FIELDS},
    )
    return state


def _row_values(state):
    return {
        "user_id": state["user_id"],
        "first_seen": _datetime(state["first_seen"]),
        "last_seen": _datetime(state["last_seen"]),
        "area_id": state["area_id"],
        **{field: state[field] for field in _STATE_FIELDS},
    }


def _create(state):
    profile = VisitorProfile.objects.create(visitor_id=state["visitor_id"], **_row_values(state))
    return {**state, "pk": profile.pk, "flushed_at": time.time()}


def _write(state, now):
    """One UPDATE of the row; False if the row is gone (the resident deleted their data)."""
    updated = VisitorProfile.objects.filter(pk=state["pk"]).update(**_row_values(state))
    state["flushed_at"] = now
    return bool(updated)


def _instance(state):
    return VisitorProfile(
        pk=state["pk"], visitor_id=uuid.UUID(state["visitor_id"]), **_row_values(state)
    )


def _cache_key(visitor_id):
    return f"{_CACHE_PREFIX}{visitor_id}"


def _valid_uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _datetime(timestamp):
    return (
        datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC) if timestamp else timezone.now()
    )
