"""The holdout report: each segment's personalised content against its holdout, goal by goal.

A visitor counts for a segment once they were exposed (saw its variant, or were held out) and
converts for a goal if they reached it at or after that first exposure. Segments are those the
user may see (`cityux.access.scope_to_user`: a department's segments to its leads); a segment is
measured against its own department's goals and the city-wide ones.
"""

from django.db.models import Count, Exists, OuterRef, Q

from cityux.access import scope_to_user

from . import stats
from .models import Conversion, Exposure, Goal, Segment
from .models.goals import ExposureVariant
from .resume import resume_setting


def min_visitors():
    """Exposed visitors needed in each group before a lift is shown (REPORT_MIN_VISITORS)."""
    return resume_setting("REPORT_MIN_VISITORS")


def visible_segments(user):
    """The user's departments' segments, and city-wide ones (as the segment listing shows)."""
    city_wide = Segment.objects.filter(department__isnull=True)
    return (scope_to_user(Segment.objects.all(), user) | city_wide).select_related("department")


def goals_for(segment, goals):
    """The goals `segment` is measured against: its department's and city-wide ones."""
    return [g for g in goals if g.department_id is None or g.department_id == segment.department_id]


def exposure_counts(segment_ids):
    """{(segment id, variant): exposed visitors}."""
    rows = (
        Exposure.objects.filter(segment_id__in=segment_ids)
        .values("segment_id", "variant")
        .annotate(visitors=Count("pk"))
    )
    return {(row["segment_id"], row["variant"]): row["visitors"] for row in rows}


def conversion_counts(segment_ids, goal):
    """{(segment id, variant): visitors who reached `goal` after their first exposure}."""
    reached = Conversion.objects.filter(
        goal=goal, visitor_id=OuterRef("visitor_id"), reached_at__gte=OuterRef("first_exposed")
    )
    rows = (
        Exposure.objects.filter(segment_id__in=segment_ids)
        .values("segment_id", "variant")
        .annotate(converted=Count("pk", filter=Q(Exists(reached))))
    )
    return {(row["segment_id"], row["variant"]): row["converted"] for row in rows}


def lift_rows(user, minimum=None):
    """One dict per (segment, goal) the user may see, with counts, rates, lift and the sentence."""
    minimum = min_visitors() if minimum is None else minimum
    segments = list(visible_segments(user).order_by("name", "pk"))
    if not segments:
        return []
    segment_ids = [segment.pk for segment in segments]
    goals = list(Goal.objects.select_related("department").order_by("name", "pk"))
    exposed = exposure_counts(segment_ids)
    converted = {goal.pk: conversion_counts(segment_ids, goal) for goal in goals}
    rows = []
    for segment in segments:
        for goal in goals_for(segment, goals):
            counts = converted[goal.pk]
            lift = stats.compare(
                counts.get((segment.pk, ExposureVariant.VARIANT), 0),
                exposed.get((segment.pk, ExposureVariant.VARIANT), 0),
                counts.get((segment.pk, ExposureVariant.HOLDOUT), 0),
                exposed.get((segment.pk, ExposureVariant.HOLDOUT), 0),
                min_visitors=minimum,
            )
            rows.append(_row(segment, goal, lift))
    return rows


def _percent(fraction):
    return None if fraction is None else round(100 * fraction, 1)


def _row(segment, goal, lift):
    return {
        "segment_id": segment.pk,
        "segment": segment.name,
        "department_id": segment.department_id,
        "department": segment.department.name if segment.department_id else "",
        "holdout_percent": segment.holdout_percent,
        "goal_id": goal.pk,
        "goal": goal.name,
        "variant_visitors": lift.variant_visitors,
        "variant_conversions": lift.variant_conversions,
        "variant_rate": _percent(lift.variant_rate),
        "holdout_visitors": lift.holdout_visitors,
        "holdout_conversions": lift.holdout_conversions,
        "holdout_rate": _percent(lift.holdout_rate),
        "absolute_lift": _percent(lift.absolute),
        "absolute_low": _percent(lift.absolute_low),
        "absolute_high": _percent(lift.absolute_high),
        "relative_lift": _percent(lift.relative),
        "relative_low": _percent(lift.relative_low),
        "relative_high": _percent(lift.relative_high),
        "enough_data": lift.enough_data,
        "significant": lift.significant,
        "sentence": stats.lift_sentence(segment.name, goal.name, lift),
    }


def headline_rows(user, departments, limit=5):
    """The report rows of `departments` worth reading first: clear differences, then the rest."""
    ids = {department.pk for department in departments}
    rows = [row for row in lift_rows(user) if row["department_id"] in ids]
    rows.sort(key=lambda row: (not row["significant"], not row["enough_data"], row["segment"]))
    return rows[:limit], len(rows)
