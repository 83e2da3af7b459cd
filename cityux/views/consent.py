"""The resident's cookie choice: banner form target, settings page and gpc.json."""

import datetime

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..conf import cityux_setting
from ..consent import consent_state, has_consent, privacy_signal, record_choice
from ..unavailable import retry_later_when_unavailable

# The date our GPC handling last changed, as the GPC specification asks sites to publish.
GPC_LAST_UPDATE = datetime.date(2026, 11, 23)


def _safe_next(request):
    candidate = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@never_cache
@require_http_methods(["GET", "POST"])
@retry_later_when_unavailable
def cookie_settings(request):
    """GET shows every optional group and its state; POST stores the choice."""
    from cookie_consent.cache import all_cookie_groups

    groups = all_cookie_groups()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "accept_all":
            accepted = set(groups)
        elif action == "decline_all":
            accepted = set()
        elif action == "save":
            accepted = set(request.POST.getlist("groups")) & set(groups)
        else:
            return JsonResponse({"error": f"Unknown action {action!r}."}, status=400)
        if request.headers.get("X-Requested-With") == "fetch":
            response = JsonResponse({"accepted": sorted(accepted)})
        else:
            response = HttpResponseRedirect(_safe_next(request))
        record_choice(request, response, accepted)
        return response

    state = consent_state(request)
    return render(
        request,
        "cityux/consent/settings.html",
        {
            "groups": [(group, state.get(varname)) for varname, group in groups.items()],
            "privacy_signal": privacy_signal(request),
            "next": _safe_next(request),
            "base_template": cityux_setting("BASE_TEMPLATE"),
            "cityux_consent_page": True,
        },
    )


@never_cache
@require_GET
@retry_later_when_unavailable
def consent_status(request):
    """What the server will honour for this browser, for scripts that must check again."""
    from cookie_consent.cache import all_cookie_groups

    return JsonResponse(
        {
            "privacySignal": privacy_signal(request),
            "groups": {varname: has_consent(request, varname) for varname in all_cookie_groups()},
        }
    )


@require_GET
@cache_control(max_age=86400, public=True)
def gpc_json(request):
    """`/.well-known/gpc.json`: this site honours Global Privacy Control."""
    return JsonResponse({"gpc": True, "lastUpdate": GPC_LAST_UPDATE.isoformat()})
