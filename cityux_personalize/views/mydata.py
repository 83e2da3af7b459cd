"""My data: see, download and delete everything the city holds about this browser's visitor."""

import json
import re

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cityux.conf import cityux_setting
from cityux.consent import PERSONALIZATION, consent_state, has_consent, record_choice
from cityux.tombstones import forget
from cityux.unavailable import retry_later_when_unavailable

from .. import mydata
from ..conf import VISITOR_COOKIE

# A tracker session id, as the tracker makes them (random hex).
TRACKER_SESSION = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _context(request, subject, **extra):
    return {
        "subject": subject,
        "sources": [
            (source, mydata.display_rows(rows)) for source, rows in mydata.collect_all(subject)
        ],
        "personalization": has_consent(request, PERSONALIZATION),
        "base_template": cityux_setting("BASE_TEMPLATE"),
        **extra,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@retry_later_when_unavailable
def my_data(request):
    """GET: everything held, in plain words. POST (with the confirmation box ticked): delete it."""
    subject = mydata.subject_for(request)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context = _context(
                request,
                subject,
                delete_error=_("Tick the box to confirm that you want to delete your data."),
            )
            return render(request, "cityux_personalize/mydata/page.html", context, status=400)
        return _delete(request, subject)
    return render(request, "cityux_personalize/mydata/page.html", _context(request, subject))


def _delete(request, subject):
    # This tab's visit, even if none of it reached us yet: what the page still sends as it
    # unloads (the recorder's last upload) arrives after the deletion and must be dropped.
    tab_session = request.POST.get("tracker_session", "")
    if TRACKER_SESSION.fullmatch(tab_session):
        forget(None, [tab_session])
    deleted = mydata.delete_all(subject)
    # Nothing of this request may write the deleted profile back.
    request.__dict__.pop("_cityux_profile_state", None)
    withdraw = request.POST.get("withdraw") == "yes"
    response = render(
        request,
        "cityux_personalize/mydata/deleted.html",
        {
            "rows": sum(deleted.values()),
            "withdrawn": withdraw,
            "base_template": cityux_setting("BASE_TEMPLATE"),
        },
    )
    response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
    if withdraw:
        accepted = {name for name, state in consent_state(request).items() if state}
        record_choice(request, response, accepted - {PERSONALIZATION})
    return response


@never_cache
@require_GET
@retry_later_when_unavailable
def download(request):
    """Everything held, as a JSON file."""
    subject = mydata.subject_for(request)
    body = {
        "site": request.get_host(),
        "downloaded_at": timezone.now().isoformat(),
        **mydata.export(subject),
    }
    response = HttpResponse(
        json.dumps(body, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response
