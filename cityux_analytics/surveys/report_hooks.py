"""The survey reports' admin integration: their URLs, their menu item and the hub section.

`register()` is called once from `cityux_analytics/wagtail_hooks.py`.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cityux.access import visible_department_ids
from cityux.hub import HubSection, register_section
from cityux.viewsets import MENU_HOOK

from . import report_urls
from .report_views import survey_section_context


def register_report_urls():
    return [path("cityux/surveys/", include(report_urls, namespace="cityux_survey_reports"))]


class SurveyResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(visible_department_ids(request.user))


def register_menu_item():
    return SurveyResultsMenuItem(
        _("Survey results"),
        reverse("cityux_survey_reports:index"),
        name="cityux-survey-results",
        icon_name="form",
        order=140,
    )


_registered = False


def register():
    """Register the reports' admin URLs, their "City UX" menu item and the hub section; once."""
    global _registered
    if _registered:
        return
    _registered = True
    hooks.register("register_admin_urls", register_report_urls)
    hooks.register(MENU_HOOK, register_menu_item)
    register_section(
        HubSection(
            app_label="cityux_analytics",
            title=_("Surveys"),
            template_name="cityux_analytics/surveys/hub_section.html",
            get_context=survey_section_context,
            order=20,
        )
    )
