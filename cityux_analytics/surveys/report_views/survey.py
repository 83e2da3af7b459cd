"""One survey's report: its questions' answers, trend, pages and comments."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn

from cityux.access import can_see_department

from ...replay.models import ReplayChunk
from ...views.reports.base import AnalyticsReportView
from .. import reports
from ..models import Survey
from .display import TOP_PAGES, replay_url, sentiment_display, session_reference
from .filters import CommentFilterSet


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
