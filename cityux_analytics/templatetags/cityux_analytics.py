"""`{% analytics_tracker %}`: the tracker's script tag, only for residents who consented."""

import json

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from cityux.consent import ANALYTICS, has_consent

from ..conf import analytics_setting
from ..replay.privacy import is_blocked_request, unmasks_page

register = template.Library()


def _blocked(request):
    try:
        return request is not None and is_blocked_request(request)
    except ImproperlyConfigured:
        return True  # a block pattern that does not compile: record nothing (system check E101)


def _selectors(name):
    return json.dumps(list(analytics_setting(name)))


def replay_attributes(request=None, page=None):
    """The tracker tag's data-replay* attributes, or none when replay is off or not mounted.

    They tell the recorder how to mask this page, or that it must not record it at all.
    """
    mode = analytics_setting("REPLAY_MODE")
    if mode not in ("buffer", "sample"):
        return []
    try:
        upload_url = reverse("cityux_analytics:replay:upload")
    except NoReverseMatch:
        return []
    attributes = [
        ("data-replay", upload_url),
        ("data-replay-script", static("cityux_analytics/replay.js")),
        ("data-replay-mode", mode),
    ]
    if mode == "sample":
        attributes.append(("data-replay-sample", analytics_setting("REPLAY_SAMPLE_PERCENT")))
    if _blocked(request):
        # Nothing else matters: the recorder will not look at this page.
        return [*attributes, ("data-replay-block", "1")]
    if analytics_setting("REPLAY_MASK_SELECTORS"):
        attributes.append(("data-replay-mask", _selectors("REPLAY_MASK_SELECTORS")))
    if analytics_setting("REPLAY_STRICT_MASKING"):
        attributes.append(("data-replay-strict", "1"))
        if analytics_setting("REPLAY_UNMASK_SELECTORS"):
            attributes.append(("data-replay-unmask", _selectors("REPLAY_UNMASK_SELECTORS")))
        if unmasks_page(page):
            attributes.append(("data-replay-unmask-page", "1"))
    return attributes


@register.simple_tag(takes_context=True)
def analytics_tracker(context):
    request = context.get("request")
    if request is None or not has_consent(request, ANALYTICS):
        return ""
    attributes = replay_attributes(request, context.get("page"))
    if _blocked(request):
        # A page about the resident: the tracker reads no element's words here.
        attributes = [("data-private", "1"), *attributes]
    return format_html(
        '<script src="{}" data-collect="{}" data-status="{}"{} defer></script>',
        static("cityux_analytics/tracker.min.js"),
        reverse("cityux_analytics:collect"),
        reverse("cityux:consent_status"),
        format_html_join("", ' {}="{}"', attributes),
    )
