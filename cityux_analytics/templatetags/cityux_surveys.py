"""`{% survey_widget %}` and `{% report_problem_link %}`: micro-surveys on the city's pages."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def survey_widget(context):
    """The survey widget's stylesheet and script, told where to ask for this page's surveys."""
    request = context.get("request")
    active_url = reverse("cityux_analytics:surveys:active")
    return format_html(
        '<link rel="stylesheet" href="{}">'
        '<script src="{}" data-active-url="{}" data-base-url="{}" data-path="{}" defer></script>',
        static("cityux_analytics/survey.css"),
        static("cityux_analytics/survey.js"),
        active_url,
        active_url.removesuffix("active/"),
        request.path if request is not None else "/",
    )


@register.simple_tag
def report_problem_link():
    """The button that opens the page's "Report a problem" survey (the widget wires it)."""
    return format_html(
        '<button type="button" class="cityux-report-problem" data-cityux-report-problem>'
        "{}</button>",
        _("Report a problem with this page"),
    )
