"""`{% analytics_tracker %}`: the tracker's script tag, only for residents who consented."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from cityux.consent import ANALYTICS, has_consent

register = template.Library()


@register.simple_tag(takes_context=True)
def analytics_tracker(context):
    request = context.get("request")
    if request is None or not has_consent(request, ANALYTICS):
        return ""
    return format_html(
        '<script src="{}" data-collect="{}" data-status="{}" defer></script>',
        static("cityux_analytics/tracker.min.js"),
        reverse("cityux_analytics:collect"),
        reverse("cityux:consent_status"),
    )
