"""Measuring value: who saw personalised content (exposures) and who then reached a goal.

Exposures are recorded on the hot path of every personalised page, so `record_exposure` writes
nothing to the database: the first exposure of a visitor to a segment each day is appended to a
buffer in the cache, which the Celery task `cityux_personalize.flush_exposures` writes in bulk
(one row per visitor per segment; repeats are ignored by a unique constraint).

Conversions happen rarely (a goal page, a sent form, a "yes"), and are written at once: one
row per visitor per goal, the first time.

Apps that run surveys tell us about a "yes" with the core's `survey_answered_yes` signal::

    from cityux.signals import survey_answered_yes
    survey_answered_yes.send(sender=SurveyResponse, request=request, survey="12",
                             question="found_it", page=page)
"""

import logging
import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.dispatch import receiver
from django.utils import timezone

from cityux.signals import survey_answered_yes
from cityux.tombstones import is_forgotten

from .models import Conversion, Exposure, Goal
from .models.goals import ExposureVariant, GoalKind
from .mydata import forgotten
from .profiles import get_profile, shown_in_admin

logger = logging.getLogger(__name__)


BUFFER = "cityux_personalize:exposures"
BUFFER_TIMEOUT = 7 * 86400
SEEN_TIMEOUT = 86400
IN_FLIGHT = 100
GOALS_CACHE_SECONDS = 5


# -- exposures ----------------------------------------------------------------------------------


def record_exposure(request, segment_id, variant):
    """Note that this visitor saw `segment_id`'s "variant" or was held out ("holdout").

    No database write: the first exposure per visitor, segment and day goes to the cache buffer.
    """
    if variant not in ExposureVariant.values:
        raise ValueError(f"variant must be one of {ExposureVariant.values}, not {variant!r}")
    seen = getattr(request, "_cityux_exposures", None)
    if seen is None:
        seen = request._cityux_exposures = set()
    if segment_id in seen:
        return
    seen.add(segment_id)
    profile = get_profile(request)
    if profile is None:
        return
    visitor = str(profile.visitor_id)
    if not cache.add(f"{BUFFER}:seen:{visitor}:{segment_id}", 1, SEEN_TIMEOUT):
        return
    push_exposure(visitor, segment_id, variant, time.time())


def push_exposure(visitor_id, segment_id, variant, timestamp):
    """Append one exposure to the cache buffer (every cache backend can do this atomically)."""
    if cache.add(f"{BUFFER}:seq", 0, None):
        # A new counter (first push, or the cache was cleared): the flush starts from 1 again.
        cache.set(f"{BUFFER}:flushed", 0, None)
    try:
        number = cache.incr(f"{BUFFER}:seq")
    except ValueError:  # the counter was evicted between add() and incr(): start it again
        cache.set(f"{BUFFER}:seq", 1, None)
        number = 1
    cache.set(
        f"{BUFFER}:{number}", (str(visitor_id), segment_id, variant, timestamp), BUFFER_TIMEOUT
    )


def flush_exposures(batch=5000):
    """Write the buffered exposures to the database; returns how many were read.

    Every number up to the sequence counter is read once. A missing entry among the last
    IN_FLIGHT numbers may be one being pushed this instant: it is retried at the next flush, and
    skipped if still missing then (evicted); older missing entries are skipped at once.
    """
    last = cache.get(f"{BUFFER}:seq") or 0
    done = cache.get(f"{BUFFER}:flushed") or 0
    if done > last:  # the counter started again and its first push did not say so
        done = 0
    gap = cache.get(f"{BUFFER}:gap")
    read = 0
    while done < last:
        numbers = range(done + 1, min(last, done + batch) + 1)
        found = cache.get_many([f"{BUFFER}:{n}" for n in numbers])
        rows, upto = [], done
        for number in numbers:
            entry = found.get(f"{BUFFER}:{number}")
            if entry is None and number != gap and number > last - IN_FLIGHT:
                cache.set(f"{BUFFER}:gap", number, BUFFER_TIMEOUT)
                break
            upto = number
            if entry is not None:
                rows.append(_exposure_row(entry))
        _write_exposures(rows)
        cache.delete_many([f"{BUFFER}:{n}" for n in range(done + 1, upto + 1)])
        cache.set(f"{BUFFER}:flushed", upto, None)
        read += len(rows)
        if upto < numbers[-1]:
            break
        done = upto
    return read


def _exposure_row(entry):
    visitor_id, segment_id, variant, timestamp = entry
    return Exposure(
        segment_id=segment_id,
        visitor_id=visitor_id,
        variant=variant,
        first_exposed=datetime.fromtimestamp(timestamp, tz=UTC),
    )


def _write_exposures(rows):
    from .models import Segment

    if not rows:
        return
    # A segment deleted while its exposures waited: nothing to count them against.
    existing = set(
        Segment.objects.filter(pk__in={row.segment_id for row in rows}).values_list("pk", flat=True)
    )
    gone = forgotten({str(row.visitor_id) for row in rows})
    rows = [row for row in rows if row.segment_id in existing and str(row.visitor_id) not in gone]
    Exposure.objects.bulk_create(rows, ignore_conflicts=True)


# -- conversions --------------------------------------------------------------------------------


_goal_map = {"until": 0.0, "map": None}


def forget_goals(**kwargs):
    """Drop the remembered goals (a goal was saved or deleted)."""
    _goal_map["until"] = 0.0
    cache.delete(f"{BUFFER}:goals")


def goal_map():
    """{(kind, page id or None): [goal ids]}, kept in memory for a few seconds."""
    now = time.monotonic()
    if _goal_map["map"] is None or now >= _goal_map["until"]:
        mapping = cache.get(f"{BUFFER}:goals")
        if mapping is None:
            mapping = {}
            for goal_id, kind, page_id in Goal.objects.values_list("pk", "kind", "page_id"):
                mapping.setdefault((kind, page_id), []).append(goal_id)
            cache.set(f"{BUFFER}:goals", mapping, 300)
        _goal_map["map"], _goal_map["until"] = mapping, now + GOALS_CACHE_SECONDS
    return _goal_map["map"]


def record_conversions(visitor_id, goal_ids, now=None):
    """`visitor_id` reached `goal_ids`: one row per visitor per goal, the first time only."""
    if is_forgotten(visitor_id=visitor_id):
        return 0  # a request that began before the resident deleted their data
    new = [
        goal_id
        for goal_id in goal_ids
        if cache.add(f"{BUFFER}:converted:{visitor_id}:{goal_id}", 1, SEEN_TIMEOUT)
    ]
    if not new:
        return 0
    # A goal deleted a moment ago (another process) may still be in the remembered map.
    new = list(Goal.objects.filter(pk__in=new).values_list("pk", flat=True))
    now = now or timezone.now()
    Conversion.objects.bulk_create(
        [Conversion(goal_id=goal_id, visitor_id=visitor_id, reached_at=now) for goal_id in new],
        ignore_conflicts=True,
    )
    return len(new)


def _convert(request, kind, page_id):
    goal_ids = goal_map().get((kind, page_id), [])
    if not goal_ids:
        return 0
    profile = get_profile(request)
    if profile is None:
        return 0
    return record_conversions(profile.visitor_id, goal_ids)


def page_reached(request, page):
    """Record "reached a page" goals of `page` for this visitor."""
    return _convert(request, GoalKind.PAGE_REACHED, page.pk)


def form_submitted(request, page):
    """Record "submitted a form" goals of form `page` for this visitor."""
    return _convert(request, GoalKind.FORM_SUBMITTED, page.pk)


@receiver(survey_answered_yes)
def survey_yes(sender, request, survey, question=None, page=None, **kwargs):
    """A "yes" on a survey: goals naming this survey (or survey:question, or any survey)."""
    profile = get_profile(request)
    if profile is None:
        return
    keys = {"", str(survey), f"{survey}:{question}" if question else str(survey)}
    goals = Goal.objects.filter(kind=GoalKind.SURVEY_YES, survey_key__in=keys)
    if page is not None:
        goals = goals.filter(page__isnull=True) | goals.filter(page_id=page.pk)
    else:
        goals = goals.filter(page__isnull=True)
    record_conversions(profile.visitor_id, list(goals.values_list("pk", flat=True)))


def move_measurements(keep, other):
    """Profiles merged: `other`'s exposures and conversions count for `keep`, the earliest kept."""
    for model, key, when in (
        (Exposure, "segment_id", "first_exposed"),
        (Conversion, "goal_id", "reached_at"),
    ):
        mine = {getattr(row, key): row for row in model.objects.filter(visitor_id=keep.visitor_id)}
        for row in model.objects.filter(visitor_id=other.visitor_id):
            existing = mine.get(getattr(row, key))
            if existing is None:
                row.visitor_id = keep.visitor_id
                row.save(update_fields=["visitor_id"])
            else:
                if getattr(row, when) < getattr(existing, when):
                    setattr(existing, when, getattr(row, when))
                    existing.save(update_fields=[when])
                row.delete()


# -- page serving -------------------------------------------------------------------------------


def measuring_serve(next_serve):
    """An `on_serve_page` wrapper: count goal pages, and a sent form (goal; its draft is done).

    A Wagtail form page answers a valid POST with its landing page, whose context holds the
    new `form_submission`: that is how a sent form is told from one shown again with errors.
    """

    def serve(page, request, args, kwargs):
        response = next_serve(page, request, args, kwargs)
        if getattr(request, "is_preview", False) or response.status_code != 200:
            return response
        if shown_in_admin(request):
            return response
        try:
            if request.method == "GET":
                page_reached(request, page)
            elif request.method == "POST":
                context = getattr(response, "context_data", None) or {}
                if context.get("form_submission") is not None:
                    form_sent(request, page)
        except Exception:
            # Measuring must never cost a resident their page (or their sent form).
            logger.exception("Recording goals for page %s failed", page.pk)
        return response

    return serve


def form_sent(request, page):
    """A form was sent: its "submitted a form" goals count, and its draft is not needed."""
    from .drafts import clear_draft

    form_submitted(request, page)
    clear_draft(get_profile(request), page)
