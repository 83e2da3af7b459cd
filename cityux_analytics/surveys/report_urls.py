"""Admin URLs of the survey reports, under `/admin/cityux/surveys/` (by wagtail_hooks.py)."""

from django.urls import path

from .report_views import SurveyReportView, SurveyResultsReportView

app_name = "cityux_survey_reports"


def report(route, view_class, name):
    """The report's page and the results fragment its filters load."""
    return [
        path(route, view_class.as_view(), name=name),
        path(f"{route}results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    ]


urlpatterns = [
    *report("", SurveyResultsReportView, "index"),
    *report("<int:pk>/", SurveyReportView, "survey"),
]
