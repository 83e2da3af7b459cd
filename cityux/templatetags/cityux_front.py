"""`{% cityux_head %}` and `{% cityux_body %}`: every CityUX front-end piece in two tags.

    {% load cityux_front %}
    <head> … {% cityux_head %}</head>
    <body><a class="skip-link" …>…</a>{% cityux_body %} …

Each piece comes only when its app is installed, and the tracker only with the resident's
analytics consent (never with GPC / DNT); the per-feature tags (`consent_banner`,
`analytics_tracker`, `survey_widget`, …) stay available for a site that places them itself.
"""

from django import template
from django.apps import apps
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _joined(parts):
    return mark_safe("".join(str(conditional_escape(part)) for part in parts))


@register.simple_tag(takes_context=True)
def cityux_head(context):
    """In `<head>`: personalisation's stylesheet and, with consent, the analytics tracker."""
    parts = []
    if apps.is_installed("cityux_personalize"):
        parts.append(
            format_html(
                '<link rel="stylesheet" href="{}">', static("cityux_personalize/personalize.css")
            )
        )
    if apps.is_installed("cityux_analytics"):
        from cityux_analytics.templatetags.cityux_analytics import analytics_tracker

        parts.append(analytics_tracker(context))
    return _joined(parts)


@register.simple_tag(takes_context=True)
def cityux_body(context, messages=True):
    """Right after `<body>` (or the skip link): the consent banner, the page's messages (leave
    them out with `messages=False` if the layout shows them itself) and the survey widget."""
    parts = []
    request = context.get("request")
    if request is not None and apps.is_installed("cookie_consent"):
        from .cityux_consent import consent_banner

        parts.append(render_to_string("cityux/consent/banner.html", consent_banner(context)))
    if messages and apps.is_installed("django.contrib.messages"):
        parts.append(
            render_to_string("cityux/front/messages.html", {"messages": context.get("messages")})
        )
    if apps.is_installed("cityux_analytics"):
        from cityux_analytics.templatetags.cityux_surveys import survey_widget

        parts.append(survey_widget(context))
    return _joined(parts)
