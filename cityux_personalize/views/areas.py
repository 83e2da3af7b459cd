"""Residents choose their neighbourhood, or share their location once to find it."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityux.conf import cityux_setting

from ..areas import area_id_at
from ..blocks import transparency_links
from ..models import CityArea
from ..profiles import get_profile, personalization_allowed, update_profile


def safe_next(request, default="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def parse_coordinate(value, limit):
    """A float within ±limit, or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or not -limit <= number <= limit:  # NaN or off the globe
        return None
    return number


@require_http_methods(["GET", "POST"])
def choose_area(request):
    """GET: the form. POST: `area` (a slug) or `lat` + `lon`; only the area is kept."""
    allowed = personalization_allowed(request)
    areas = CityArea.objects.order_by("name")
    error, status = None, 200
    if request.method == "POST" and allowed:
        error = _save_area(request, areas)
        if error is None:
            return HttpResponseRedirect(safe_next(request, request.path))
        status = 400
    elif request.method == "POST":
        error, status = _("Allow personalised content first, in Cookie settings."), 403
    profile = get_profile(request) if allowed else None
    return render(
        request,
        "cityux_personalize/choose_area.html",
        {
            "areas": areas,
            "allowed": allowed,
            "error": error,
            "current_area_id": profile.area_id if profile else None,
            "next_url": safe_next(request, ""),
            "links": transparency_links(),
            "base_template": cityux_setting("BASE_TEMPLATE"),
        },
        status=status,
    )


def _save_area(request, areas):
    """None on success, else the message to show. Coordinates are used here and forgotten."""
    if "lat" in request.POST or "lon" in request.POST:
        lat = parse_coordinate(request.POST.get("lat"), 90)
        lon = parse_coordinate(request.POST.get("lon"), 180)
        if lat is None or lon is None:
            return _("Your location could not be read. Please choose your neighbourhood.")
        area_id = area_id_at(lat, lon)
        if area_id is None:
            return _("Your location is not in one of the city's areas. Please choose one.")
    else:
        slug = request.POST.get("area", "")
        if slug == "":
            update_profile(request, area_id=None)
            messages.success(request, _("We no longer keep your neighbourhood."))
            return None
        area = areas.filter(slug=slug).first()
        if area is None:
            return _("Please choose a neighbourhood from the list.")
        area_id = area.pk
    update_profile(request, area_id=area_id)
    name = areas.get(pk=area_id).name
    messages.success(request, _("Saved: you live in or near %(area)s.") % {"area": name})
    return None
