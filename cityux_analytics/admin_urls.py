"""Admin URLs of the analytics reports, under `/admin/cityux/analytics/` (see wagtail_hooks)."""

from django.urls import path

from .views.digest import digest_index, digest_preview
from .views.live import live_now_json
from .views.reports.elements import ElementsReportView
from .views.reports.errors import ErrorsReportView
from .views.reports.page import PageUXReportView
from .views.reports.pages import PagesReportView

app_name = "cityux_analytics_reports"


def report(route, view_class, name):
    """The report's page and the results fragment its filters load."""
    return [
        path(route, view_class.as_view(), name=name),
        path(f"{route}results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    ]


urlpatterns = [
    *report("pages/", PagesReportView, "pages"),
    *report("elements/", ElementsReportView, "elements"),
    *report("errors/", ErrorsReportView, "errors"),
    *report("page/<int:page_id>/", PageUXReportView, "page"),
    path("live/", live_now_json, name="live"),
    path("live/<slug:slug>/", live_now_json, name="live_department"),
    path("digest/", digest_index, name="digest"),
    path("digest/<int:department_id>/", digest_preview, name="digest_preview"),
]
