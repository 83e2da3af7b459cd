"""Live segments, compiled once into pure rule objects and evaluated in memory per request.

Each process keeps the compiled segments; publishing, unpublishing or deleting a segment (or
changing an area or questionnaire they name) bumps a generation number in the shared cache, and
every process reloads when it sees a new one (checked at most every
`SEGMENT_RELOAD_CHECK_SECONDS`). Evaluating a request runs no query and writes nothing.
"""

import threading
import time
import uuid

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .caching import mark_personalised
from .conf import personalize_setting
from .profiles import get_profile

GENERATION_KEY = "cityux_personalize:segments:generation"

_lock = threading.Lock()
_loaded = {"segments": None, "generation": None, "checked": 0.0}


def active_segments(request):
    """The SegmentMatch of every live segment this visitor is in; [] without consent.

    Evaluated once per request (kept on the request). An editor's preview "as a segment" sets
    `request._cityux_preview_segments` instead.
    """
    matches = getattr(request, "_cityux_segment_matches", None)
    if matches is not None:
        return matches
    matches = getattr(request, "_cityux_preview_segments", None)
    if matches is None:
        profile = get_profile(request)
        if profile is None:
            matches = []
        else:
            mark_personalised(request)
            matches = rules.evaluate(
                live_segments(), snapshot_of(profile, request), facts_of(request)
            )
    request._cityux_segment_matches = matches
    return matches


def snapshot_of(profile, request=None):
    """The pure snapshot rules read, from a VisitorProfile."""
    user = getattr(request, "user", None)
    return rules.ProfileSnapshot(
        visitor_id=str(profile.visitor_id),
        visit_count=profile.visit_count,
        page_visits=profile.page_visits,
        department_interest=profile.department_interest,
        device_class=profile.device_class,
        referrer_host=profile.referrer_host,
        campaign=profile.campaign,
        language=profile.language,
        area_id=profile.area_id,
        answers=profile.answers,
        logged_in=bool(user is not None and user.is_authenticated),
    )


def facts_of(request):
    return rules.RequestFacts(now=timezone.localtime(), query=request.GET)


def live_segments():
    """The compiled live segments (reloaded when another process published a change)."""
    now = time.monotonic()
    if _loaded["segments"] is not None and now < _loaded["checked"]:
        return _loaded["segments"]
    generation = cache.get(GENERATION_KEY)
    with _lock:
        if _loaded["segments"] is None or generation != _loaded["generation"]:
            _loaded["segments"] = load_segments()
            _loaded["generation"] = generation
        _loaded["checked"] = now + personalize_setting("SEGMENT_RELOAD_CHECK_SECONDS")
    return _loaded["segments"]


def load_segments():
    """Compile every live segment (a few queries, once per reload)."""
    from .models import Segment

    return tuple(
        compile_segment(segment) for segment in Segment.objects.filter(live=True).order_by("pk")
    )


def segments_changed(**kwargs):
    """Make every process reload its segments (connected to publish / unpublish / delete)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    with _lock:
        _loaded["segments"] = None


def compile_segment(segment):
    """A Segment (model instance, live or draft) as a pure CompiledSegment."""
    compiled_rules = tuple(compile_rule(child.block_type, child.value) for child in segment.rules)
    return rules.CompiledSegment(
        segment_id=segment.pk,
        name=segment.name,
        description=segment.description,
        match=segment.match,
        rules=compiled_rules,
        holdout_percent=segment.holdout_percent,
    )


def compile_rule(block_type, value):
    """One StreamField rule block's value as a pure rule object."""
    if block_type == "first_visit":
        return rules.FirstVisit()
    if block_type == "logged_in":
        return rules.LoggedIn()
    if block_type == "visit_count":
        return rules.VisitCount(value["operator"], value["count"] or 0)
    if block_type == "department_interest":
        return _department_rule(value)
    if block_type == "visited_page":
        page = value["page"]
        if page is None:
            return rules.Never(_("A page this group used no longer exists."))
        return rules.VisitedPage(page.pk, page.title)
    if block_type == "referrer":
        return rules.Referrer(value["pattern"].strip().lower())
    if block_type == "query_parameter":
        return rules.QueryParameter(value["name"].strip(), (value["value"] or "").strip())
    if block_type == "device":
        return rules.Device(value["device"])
    if block_type == "time_window":
        return rules.TimeWindow(
            tuple(int(day) for day in value["days"] or ()), value["start"], value["end"]
        )
    if block_type == "area":
        area = value["area"]
        if area is None:
            return rules.Never(_("An area this group used no longer exists."))
        return rules.InArea(area.pk, area.name)
    if block_type == "answer":
        return _answer_rule(value)
    if block_type == "language":
        return _language_rule(value["language"])
    raise ValueError(f"Unknown rule type {block_type!r}")


def _department_rule(value):
    from cityux.models import Department

    department = Department.objects.filter(slug=value["department"]).first()
    if department is None:
        return rules.Never(_("A department this group used no longer exists."))
    return rules.DepartmentInterest(department.pk, department.name, value["pages"] or 1)


def _answer_rule(value):
    questionnaire = value["questionnaire"]
    if questionnaire is None:
        return rules.Never(_("A questionnaire this group used no longer exists."))
    wanted = (value["answer"] or "").strip()
    choices = questionnaire.choice_list
    # Editors type the answer as written; match it to its stored value.
    by_label = {label.lower(): (val, label) for val, label in choices}
    by_value = {val: (val, label) for val, label in choices}
    val, label = by_value.get(wanted) or by_label.get(wanted.lower()) or (wanted, wanted)
    return rules.Answer(questionnaire.slug, val, questionnaire.question, label)


def _language_rule(code):
    from django.utils.translation import get_language_info

    code = code.strip().lower()
    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        name = code
    return rules.Language(code, name)
