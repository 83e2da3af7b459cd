"""`{% analytics_tracker %}`: the tracker's script tag, only for residents who consented."""

import json

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from cityux.consent import ANALYTICS, has_consent

from ..conf import analytics_setting

register = template.Library()


def replay_attributes():
    """The tracker tag's data-replay* attributes, or none when replay is off or not mounted."""
    mode = analytics_setting("REPLAY_MODE")
    if mode not in ("buffer", "sample"):
        return []
    try:
        upload_url = reverse("cityux_replay:upload")
    except NoReverseMatch:
        return []
    attributes = [
        ("data-replay", upload_url),
        ("data-replay-script", static("cityux_analytics/replay.js")),
        ("data-replay-mode", mode),
    ]
    if mode == "sample":
        attributes.append(("data-replay-sample", analytics_setting("REPLAY_SAMPLE_PERCENT")))
    selectors = analytics_setting("REPLAY_MASK_SELECTORS")
    if selectors:
        attributes.append(("data-replay-mask", json.dumps(list(selectors))))
    if analytics_setting("REPLAY_STRICT_MASKING"):
        attributes.append(("data-replay-strict", "1"))
    return attributes


@register.simple_tag(takes_context=True)
def analytics_tracker(context):
    request = context.get("request")
    if request is None or not has_consent(request, ANALYTICS):
        return ""
    return format_html(
        '<script src="{}" data-collect="{}" data-status="{}"{} defer></script>',
        static("cityux_analytics/tracker.min.js"),
        reverse("cityux_analytics:collect"),
        reverse("cityux:consent_status"),
        format_html_join("", ' {}="{}"', replay_attributes()),
    )
