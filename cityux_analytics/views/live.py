""" "Live now": the hub section and the department-scoped JSON it polls every few seconds."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cityux.access import can_see_department, departments_for_user
from cityux.models import Department

from ..live_now import live_now

# How often the section asks for fresh figures, in seconds.
POLL_SECONDS = 5


@never_cache
@require_GET
def live_now_json(request, slug=None):
    """The last 15 minutes of one department (403 unless the user sees it) or of all of
    the user's departments."""
    if slug is None:
        departments = list(departments_for_user(request.user))
    else:
        department = get_object_or_404(Department, slug=slug)
        # A plain 403, not the admin's redirect to its dashboard: this is polled by script.
        if not can_see_department(request.user, department):
            return JsonResponse({"error": "You cannot see this department."}, status=403)
        departments = [department]
    return JsonResponse(live_now(departments))


def live_now_url(departments):
    if len(departments) == 1:
        return reverse("cityux_analytics_reports:live_department", args=[departments[0].slug])
    return reverse("cityux_analytics_reports:live")


def live_now_section_context(request, departments):
    """The hub's "Live now" section: first figures rendered, then polled."""
    departments = list(departments)
    return {
        "live": live_now(departments),
        "live_url": live_now_url(departments),
        "poll_seconds": POLL_SECONDS,
    }
