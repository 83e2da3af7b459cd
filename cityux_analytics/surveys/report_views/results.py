"""Every survey's results: one row per survey the user may see."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn

from ...views.reports.base import AnalyticsReportView
from ...views.reports.filters import DepartmentFilterSet
from .. import reports
from .display import (
    low_ratings_display,
    number_display,
    percent_display,
    rounded,
    sentiment_display,
    survey_report_url,
)


class SurveyResultsReportView(AnalyticsReportView):
    template_name = "cityux_analytics/surveys/reports/report.html"
    page_title = _("Survey results")
    header_icon = "form"
    filterset_class = DepartmentFilterSet
    index_url_name = "cityux_survey_reports:index"
    index_results_url_name = "cityux_survey_reports:index_results"
    export_filename = "cityux-survey-results"
    default_ordering = "-total_answered"
    tiebreak = ("title", "pk")
    row_name = _("survey")
    rows_name = _("surveys")
    columns = [
        TitleColumn(
            "title",
            label=_("Survey"),
            get_url=lambda survey: survey.report_url,
            sort_key="title",
            classname="cityux-survey-cell",
        ),
        Column("department", label=_("Department"), sort_key="department__name"),
        NumberColumn("total_shown", label=_("Shown"), sort_key="total_shown"),
        NumberColumn("total_answered", label=_("Answered"), sort_key="total_answered"),
        Column(
            "response_rate",
            label=_("Response rate"),
            accessor=lambda survey: percent_display(survey.response_rate),
            sort_key="response_rate",
        ),
        Column(
            "average_rating",
            label=_("Average rating (1-5)"),
            accessor=lambda survey: number_display(survey.average_rating),
            sort_key="average_rating",
        ),
        Column(
            "low_rating_share",
            label=_("Low ratings (1-2)"),
            accessor=low_ratings_display,
            sort_key="low_rating_share",
        ),
        NumberColumn("comment_count", label=_("With a comment"), sort_key="comment_count"),
        Column(
            "average_sentiment",
            label=_("Average tone"),
            accessor=lambda survey: sentiment_display(survey.average_sentiment),
            sort_key="average_sentiment",
        ),
    ]
    list_export = [
        "title",
        "department.name",
        "live",
        "total_shown",
        "total_answered",
        "response_rate",
        "rated_count",
        "average_rating",
        "low_rating_count",
        "low_rating_share",
        "comment_count",
        "average_sentiment",
    ]
    export_headings = {
        "title": _("Survey"),
        "department.name": _("Department"),
        "live": _("Published"),
        "total_shown": _("Shown"),
        "total_answered": _("Answered"),
        "response_rate": _("Response rate (%)"),
        "rated_count": _("Responses with a rating"),
        "average_rating": _("Average rating (1-5)"),
        "low_rating_count": _("Low ratings (1-2)"),
        "low_rating_share": _("Low ratings (% of ratings)"),
        "comment_count": _("Responses with a comment"),
        "average_sentiment": _("Average sentiment (-1 to 1)"),
    }
    custom_field_preprocess = {
        "response_rate": rounded(1),
        "average_rating": rounded(2),
        "low_rating_share": rounded(1),
        "average_sentiment": rounded(2),
    }

    def get_queryset(self):
        surveys = reports.visible_surveys(self.request.user)
        if self.department:
            surveys = surveys.filter(department=self.department)
        return self.order_rows(reports.surveys_with_results(surveys, self.date_range))

    def decorate_paginated_queryset(self, surveys):
        if self.is_export:
            return surveys
        # The survey's report opens on the dates chosen here, if the reader chose any.
        query = {}
        if not self.date_range_and_error[1] and (
            self.request.GET.get("date_from") or self.request.GET.get("date_to")
        ):
            query = {
                "date_from": self.date_range.start.isoformat(),
                "date_to": self.date_range.end.isoformat(),
            }
        surveys = list(surveys)
        for survey in surveys:
            survey.report_url = survey_report_url(survey, query)
        return surveys

    @cached_property
    def no_results_message(self):
        return _(
            "There are no surveys of these departments yet. Surveys are created under "
            "City UX → Surveys."
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explanation"] = _(
            "How residents answered each survey. The response rate is the share of residents "
            "shown a survey who answered it; low ratings are 1 or 2 out of 5; the tone of "
            "comments goes from -1 (negative) to 1 (positive)."
        )
        return context
