"""Every admin integration of the analytics app: its admin URLs, menu items, the survey snippet
and the page buttons. Its hub sections are in `hub.py`, registered in `AppConfig.ready()`."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.snippets.models import register_snippet

from cityux.access import sees_every_department, visible_department_ids
from cityux.admin import DepartmentMenuItem
from cityux.departments import department_id_for_path
from cityux.viewsets import MENU_HOOK

from . import admin_urls, collect_health_urls
from .replay.urls import ADMIN_NAMESPACE as REPLAY_NAMESPACE
from .replay.urls import admin_urlpatterns as replay_admin_urlpatterns
from .surveys import report_urls as survey_report_urls
from .surveys.admin import SurveyViewSet
from .surveys.models import Survey
from .views.collect_health import permission_policy as collect_health_policy

register_snippet(Survey, viewset=SurveyViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("cityux/analytics/", include(admin_urls, namespace="cityux_analytics_reports"))]


@hooks.register("register_admin_urls")
def register_survey_report_urls():
    return [path("cityux/surveys/", include(survey_report_urls, namespace="cityux_survey_reports"))]


@hooks.register("register_admin_urls")
def register_replay_urls():
    return [path("cityux/replays/", include((replay_admin_urlpatterns, REPLAY_NAMESPACE)))]


@hooks.register("register_admin_urls")
def register_collect_health_urls():
    return [
        path(
            "cityux/collect-health/",
            include(collect_health_urls, namespace="cityux_analytics_collect_health"),
        )
    ]


class CollectHealthMenuItem(MenuItem):
    def is_shown(self, request):
        return collect_health_policy.user_has_permission(request.user, "view")


@hooks.register("register_permissions")
def register_collect_health_permissions():
    """Let groups be given Collect health (view) and retrying dead letters (change)."""
    return Permission.objects.filter(
        content_type__app_label="cityux_analytics",
        codename__in=["view_deadletteredbatch", "change_deadletteredbatch"],
    )


@hooks.register("register_settings_menu_item")
def register_collect_health_menu_item():
    return CollectHealthMenuItem(
        _("Collect health"),
        reverse("cityux_analytics_collect_health:index"),
        name="cityux-collect-health",
        icon_name="tasks",
        order=900,
    )


@hooks.register(MENU_HOOK)
def register_pages_report_menu_item():
    return DepartmentMenuItem(
        _("Pages by frustration"),
        reverse("cityux_analytics_reports:pages"),
        name="cityux-analytics-pages",
        icon_name="doc-full",
        order=110,
    )


@hooks.register(MENU_HOOK)
def register_elements_report_menu_item():
    return DepartmentMenuItem(
        _("Frustrating elements"),
        reverse("cityux_analytics_reports:elements"),
        name="cityux-analytics-elements",
        icon_name="crosshairs",
        order=120,
    )


@hooks.register(MENU_HOOK)
def register_errors_report_menu_item():
    return DepartmentMenuItem(
        _("JavaScript errors"),
        reverse("cityux_analytics_reports:errors"),
        name="cityux-analytics-errors",
        icon_name="warning",
        order=130,
    )


@hooks.register(MENU_HOOK)
def register_replay_list_menu_item():
    return DepartmentMenuItem(
        _("Session replays"),
        reverse(f"{REPLAY_NAMESPACE}:list"),
        name="cityux-session-replays",
        icon_name="media",
        order=135,
    )


@hooks.register(MENU_HOOK)
def register_worth_watching_menu_item():
    return DepartmentMenuItem(
        _("Sessions worth watching"),
        reverse(f"{REPLAY_NAMESPACE}:worth"),
        name="cityux-worth-watching",
        icon_name="pick",
        order=136,
    )


@hooks.register(MENU_HOOK)
def register_digest_menu_item():
    return DepartmentMenuItem(
        _("Weekly digest"),
        reverse("cityux_analytics_reports:digest"),
        name="cityux-analytics-digest",
        icon_name="mail",
        order=140,
    )


@hooks.register(MENU_HOOK)
def register_survey_results_menu_item():
    return DepartmentMenuItem(
        _("Survey results"),
        reverse("cityux_survey_reports:index"),
        name="cityux-survey-results",
        icon_name="form",
        order=140,
    )


def may_see_page_report(user, page):
    """Whether `user` may open the UX report of `page` (its department's, or city-wide)."""
    if sees_every_department(user):
        return True
    department_id = department_id_for_path(page.path)
    if department_id is None:
        return False
    return department_id in visible_department_ids(user)


class PageUXReportButton(PageMenuItem):
    label = _("UX report")
    icon_name = "crosshairs"
    url_name = "cityux_analytics_reports:page"

    def is_shown(self, user):
        return may_see_page_report(user, self.page)


@hooks.register("register_page_listing_more_buttons")
def page_listing_ux_report_button(page, user, next_url=None):
    yield PageUXReportButton(page=page, priority=55)


@hooks.register("register_page_header_buttons")
def page_header_ux_report_button(page, user, view_name, next_url=None):
    yield PageUXReportButton(page=page, priority=67)
