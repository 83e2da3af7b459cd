"""`POST /cityux/collect/`: check, bound and enqueue a tracker batch; nothing else."""

from urllib.parse import urlsplit

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cityux.clientip import client_ip
from cityux.consent import ANALYTICS, has_consent
from cityux.mydata import consented_visitor_id
from cityux.tombstones import is_forgotten
from cityux.unavailable import retry_later_when_unavailable

from ..conf import analytics_setting
from ..schema import MAX_BATCH_BYTES, SchemaError, parse_batch
from ..tasks import enqueue_batch


def _refuse(status, message):
    return JsonResponse({"error": message}, status=status)


def origin_allowed(request):
    """The batch comes from a page of this site (Origin, or Referer when Origin is absent)."""
    claimed = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER")
    if not claimed:
        return False
    host = urlsplit(claimed).netloc
    return host == request.get_host() or host in analytics_setting("ALLOWED_ORIGIN_HOSTS")


@csrf_exempt  # sendBeacon cannot carry a CSRF token; the Origin check stands in for it
@require_POST
@retry_later_when_unavailable  # Redis down spools the batch; only a dead database is a 503
def collect(request):
    if not origin_allowed(request):
        return _refuse(403, "This endpoint only accepts batches from this site's pages.")
    if not has_consent(request, ANALYTICS):
        return HttpResponse(status=204)  # dropped unread: no consent, or GPC / DNT
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BATCH_BYTES:
        return _refuse(400, f"batch is larger than {MAX_BATCH_BYTES} bytes")
    body = request.read(MAX_BATCH_BYTES + 1)
    try:
        batch = parse_batch(body)
    except SchemaError as error:
        return _refuse(400, str(error))
    limits = analytics_setting("RATE_LIMITS")
    counters = (
        ("session", batch.session_id, limits["session"]),
        ("ip", client_ip(request), limits["ip"]),
    )
    if not enqueue_batch(batch, body, consented_visitor_id(request), counters):
        return _refuse(429, "Too many batches; the tracker will retry later.")
    # Asked only once the rate limits let the batch through, so a flood never reaches the
    # database. A batch of a deleted session that got queued is dropped at ingest, which asks
    # again; the 410 tells tracker.js to start afresh.
    if is_forgotten(sid=batch.session_id):
        return _refuse(410, "This session was deleted; start a new one.")
    return HttpResponse(status=204)
