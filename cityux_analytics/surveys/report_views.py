"""The survey reports in the admin: every survey's results, one survey's, and the hub section.

Both reports share the analytics reports' department scoping, date range and 403 page
(`AnalyticsReportView`); their rows come from `surveys.reports`.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from cityux.access import can_see_department

from ..replay.models import ReplayChunk
from ..reports import DateRange
from ..views.reports.base import AnalyticsReportView
from ..views.reports.filters import DateRangeFilterSet, DepartmentFilterSet
from . import reports
from .models import Survey, SurveyResponse

# Pages listed under "By page" on a survey's report, those with the most responses.
TOP_PAGES = 25

# -- how numbers read -------------------------------------------------------------------------


def number_display(value):
    """A float with at most one decimal ("3.5", "4"); "" for None."""
    return "" if value is None else floatformat(value, -1)


def percent_display(value):
    return "" if value is None else f"{number_display(value)}%"


def sentiment_display(score):
    """A sentiment score in words and figures, e.g. "negative (-0.62)"; "" for None."""
    if score is None:
        return ""
    return f"{reports.sentiment_label(score)} ({score:+.2f})"


def rounded(places):
    """An export preprocessor: the number rounded to `places` decimals, blank for None."""

    def preprocess(value):
        return "" if value is None else round(value, places)

    return {ReportView.FORMAT_CSV: preprocess, ReportView.FORMAT_XLSX: preprocess}


def low_ratings_display(survey):
    if not survey.rated_count:
        return ""
    return _("%(share)s (%(low)s of %(rated)s)") % {
        "share": percent_display(survey.low_rating_share),
        "low": survey.low_rating_count,
        "rated": survey.rated_count,
    }


def session_reference(response):
    """The visit an answer came from; "" when the resident gave no consent to link it."""
    if response.session_id is None:
        return ""
    if getattr(response, "has_replay", False):
        return _("Session #%(id)s (watch the replay)") % {"id": response.session_id}
    return _("Session #%(id)s") % {"id": response.session_id}


def replay_url(response):
    """The admin replay player for the answer's visit, when that visit was recorded."""
    if response.session_id is None or not getattr(response, "has_replay", False):
        return None
    try:
        return reverse("cityux_replays:player", args=[response.session_id])
    except NoReverseMatch:  # replay's admin views are not mounted
        return None


def survey_report_url(survey, query=None):
    url = reverse("cityux_survey_reports:survey", args=[survey.pk])
    return f"{url}?{urlencode(query)}" if query else url


# -- the filters ------------------------------------------------------------------------------


class CommentFilterSet(DateRangeFilterSet):
    rating = django_filters.MultipleChoiceFilter(
        label=_("Rating"),
        choices=[(rating, str(rating)) for rating in reports.RATINGS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SurveyResponse
        fields = []


# -- every survey -----------------------------------------------------------------------------


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


# -- one survey -------------------------------------------------------------------------------


class ResponsePageColumn(Column):
    """The page's title (or address, for pages gone from the site) with its address below."""

    cell_template_name = "cityux_analytics/surveys/reports/page_cell.html"


class SurveyReportView(AnalyticsReportView):
    """One survey: shown and answered, scores, trend, pages, and its comments (export)."""

    template_name = "cityux_analytics/surveys/reports/survey.html"
    results_template_name = "cityux_analytics/surveys/reports/survey_results.html"
    filterset_class = CommentFilterSet
    header_icon = "form"
    index_url_name = "cityux_survey_reports:survey"
    index_results_url_name = "cityux_survey_reports:survey_results"
    is_searchable = True
    search_fields = ["comment"]
    default_ordering = "-created_at"
    tiebreak = ("-created_at", "-pk")
    row_name = _("comment")
    rows_name = _("comments")
    columns = [
        Column(
            "created_at",
            label=_("Received"),
            accessor=lambda response: date_format(localtime(response.created_at), "j M Y H:i"),
            sort_key="created_at",
        ),
        ResponsePageColumn(
            "page",
            label=_("Page"),
            accessor=lambda response: response.page.title if response.page else response.url,
        ),
        Column(
            "rating",
            label=_("Rating (1-5)"),
            accessor=lambda response: "" if response.rating is None else response.rating,
            sort_key="rating",
        ),
        Column("comment", label=_("Comment"), classname="cityux-wrap"),
        Column(
            "sentiment",
            label=_("Tone"),
            accessor=lambda response: sentiment_display(response.sentiment),
            sort_key="sentiment",
        ),
        TitleColumn("session", label=_("Visit"), accessor=session_reference, get_url=replay_url),
    ]
    list_export = [
        "created_at",
        "url",
        "page_title",
        "rating",
        "comment",
        "sentiment",
        "sentiment_label",
        "session",
    ]
    export_headings = {
        "created_at": _("Received"),
        "url": _("Page address"),
        "page_title": _("Page"),
        "rating": _("Rating (1-5)"),
        "comment": _("Comment"),
        "sentiment": _("Sentiment (-1 to 1)"),
        "sentiment_label": _("Tone"),
        "session": _("Visit"),
    }

    @cached_property
    def survey(self):
        return get_object_or_404(Survey.objects.select_related("department"), pk=self.kwargs["pk"])

    def refusal(self):
        department = self.survey.department
        if not can_see_department(self.request.user, department):
            return self.forbidden(
                _(
                    "This survey belongs to %(department)s. Its results are shown to the leads "
                    "of %(department)s and to city-wide analysts only."
                )
                % {"department": department.name}
            )
        return super().refusal()

    def get_page_title(self):
        return _("Survey results")

    def get_page_subtitle(self):
        return self.survey.title

    def get_filename(self):
        return f"cityux-survey-{self.survey.pk}-comments"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.survey.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.survey.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": reverse("cityux_survey_reports:index"), "label": _("Survey results")},
            {"url": "", "label": self.survey.title},
        ]

    def get_range_note(self):
        return _("%(start)s to %(end)s (%(days)d days). Use “Filter” to change the dates.") % {
            "start": date_format(self.date_range.start, "j M Y"),
            "end": date_format(self.date_range.end, "j M Y"),
            "days": self.date_range.days,
        }

    @cached_property
    def ratings(self):
        """The ratings ticked in the filter, or () for every rating."""
        self.filters.is_valid()  # cleans the form
        if "rating" in self.filters.form.errors:
            return ()
        return tuple(int(rating) for rating in self.filters.form.cleaned_data.get("rating", ()))

    def responses(self):
        """Every answer to this survey in the date range."""
        return reports.responses_in(self.date_range, [self.survey])

    def get_queryset(self):
        recorded = ReplayChunk.objects.filter(session_id=OuterRef("session_id"))
        comments = (
            self.responses()
            .exclude(comment="")
            .select_related("page")
            .annotate(has_replay=Exists(recorded))
        )
        if self.ratings:
            comments = comments.filter(rating__in=self.ratings)
        comments = self.search_queryset(comments).order_by("-created_at", "-pk")
        return self.order_rows(comments)

    def to_row_dict(self, response):
        values = {
            "created_at": response.created_at,
            "url": response.url,
            "page_title": response.page.title if response.page else "",
            "rating": response.rating,
            "comment": response.comment,
            "sentiment": None if response.sentiment is None else round(response.sentiment, 2),
            "sentiment_label": reports.sentiment_label(response.sentiment),
            "session": session_reference(response),
        }
        return {field: values[field] for field in self.list_export}

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.ratings:
            return _("No comments match your search or filters.")
        return _("No comments were left on these dates.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        responses = self.responses()
        totals = reports.survey_totals([self.survey], self.date_range)
        days = reports.responses_per_day(responses, self.date_range)
        pages = list(reports.results_by_page(responses)[: TOP_PAGES + 1])
        context.update(
            survey=self.survey,
            totals=totals,
            distribution=distribution_context(reports.score_distribution(responses)),
            trend=trend_context(days),
            pages=pages[:TOP_PAGES],
            more_pages=len(pages) > TOP_PAGES,
        )
        return context


def distribution_context(ratings):
    """The score distribution with the largest count, which the bars are drawn against."""
    return {
        "ratings": ratings,
        "most": max(rating["count"] for rating in ratings),
        "rated": sum(rating["count"] for rating in ratings),
    }


def trend_context(days):
    """Two "per day" charts (JSON for dashboard.js) and the table with the same numbers."""

    def chart(label, kind, values):
        return {
            "totalLabel": str(label),
            "labels": [day["date"].isoformat() for day in days],
            "datasets": [{"kind": kind, "label": str(label), "data": values}],
        }

    averages = [
        None if day["average_rating"] is None else round(day["average_rating"], 2) for day in days
    ]
    return {
        "responses": chart(_("Responses"), "responses", [day["responses"] for day in days]),
        "ratings": chart(_("Average rating"), "rating", averages),
        "days": days,
        "has_responses": any(day["responses"] for day in days),
    }


# -- the hub section --------------------------------------------------------------------------


def survey_section_context(request, departments):
    """The hub's "Surveys" section: the last 28 days of `departments`' surveys."""
    departments = list(departments)
    date_range = DateRange.last_days()
    surveys = reports.visible_surveys(request.user, departments)
    responses = reports.responses_in(date_range, surveys)
    report_url = reverse("cityux_survey_reports:index")
    if len(departments) == 1:
        report_url += "?" + urlencode({"department": departments[0].pk})
    return {
        "date_range": date_range,
        "live_count": reports.live_surveys(surveys).count(),
        "totals": reports.survey_totals(surveys, date_range),
        "low_rated": [
            {"response": response, "report_url": survey_report_url(response.survey)}
            for response in reports.latest_low_rated_comments(responses)
        ],
        "report_url": report_url,
    }
