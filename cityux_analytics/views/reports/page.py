"""One page's UX report: its signals over time, its worst elements and its click map."""

import swapper
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from cityux.access import can_see_department, sees_every_department
from cityux.departments import department_for_page

from ... import element_names, insights, reports
from ...models import ElementDailyStats, PageDailyStats, SignalKind
from ...presenters import (
    MAIN_KINDS,
    add_element_replay,
    chart_context,
    insights_context,
    kind_display,
    summary_context,
)
from .base import AnalyticsReportView
from .elements import ElementsReportView, ElementTable, element_columns
from .filters import DateRangeFilterSet


class PageUXReportView(ElementTable, AnalyticsReportView):
    """One page: its signals over time (chart and table) and its worst elements (export)."""

    template_name = "cityux_analytics/reports/page.html"
    results_template_name = "cityux_analytics/reports/page_results.html"
    filterset_class = DateRangeFilterSet
    header_icon = "view"
    index_url_name = "cityux_analytics_reports:page"
    index_results_url_name = "cityux_analytics_reports:page_results"
    columns = element_columns(
        Column("error", label=_("Error"), classname="cityux-wrap"),
        Column("field", label=_("Field (for form abandonments)"), classname="cityux-wrap"),
        Column("url", label=_("Address")),
    )
    list_export = [
        "element",
        "selector",
        "kind",
        "error",
        "field",
        "detail",
        "url",
        "total_signals",
        "total_sessions",
    ]
    export_headings = {
        **ElementsReportView.export_headings,
        "error": _("Error"),
        "field": _("Field (for form abandonments)"),
        "detail": _("Detail as recorded"),
    }
    custom_field_preprocess = ElementsReportView.custom_field_preprocess
    # The click map marks this many of the page's worst clicked elements, at most.
    clickmap_size = 30
    clickmap_letters = {
        # Translators: the letter on a click map marker of rage clicks.
        SignalKind.RAGE_CLICK: _("R"),
        # Translators: the letter on a click map marker of dead clicks.
        SignalKind.DEAD_CLICK: _("D"),
        # Translators: the letter on a click map marker of error clicks.
        SignalKind.ERROR_CLICK: _("E"),
    }

    @cached_property
    def page(self):
        Page = swapper.load_model("wagtailcore", "Page")
        return get_object_or_404(Page, pk=self.kwargs["page_id"])

    @cached_property
    def page_department(self):
        return department_for_page(self.page)

    def refusal(self):
        user = self.request.user
        department = self.page_department
        if department is None and not sees_every_department(user):
            return self.forbidden(
                _(
                    "This page belongs to no department: its UX report is shown to city-wide "
                    "analysts only."
                )
            )
        if department is not None and not can_see_department(user, department):
            return self.forbidden(
                _(
                    "This page belongs to %(department)s. Its UX report is shown to the leads "
                    "of %(department)s and to city-wide analysts only."
                )
                % {"department": department.name}
            )
        return super().refusal()

    def get_page_title(self):
        return _("UX report")

    def get_range_note(self):
        return _("%(start)s to %(end)s (%(days)d days). Use “Filter” to change the dates.") % {
            "start": date_format(self.date_range.start, "j M Y"),
            "end": date_format(self.date_range.end, "j M Y"),
            "days": self.date_range.days,
        }

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_filename(self):
        return f"cityux-page-{self.page.pk}-elements"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.page.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.page.pk])

    def get_breadcrumbs_items(self):
        items = self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")}
        ]
        if self.page_department:
            items.append(
                {
                    "url": reverse("cityux_hub:department", args=[self.page_department.slug]),
                    "label": self.page_department.name,
                }
            )
        return items + [{"url": "", "label": self.get_header_title()}]

    def page_rows(self, model):
        """This page's rows: element rollups have no page, so they are matched by address."""
        page_days = reports.daily_rows(PageDailyStats, self.request.user).filter(page=self.page)
        if model is PageDailyStats:
            return page_days
        return reports.daily_rows(model, self.request.user).filter(url__in=page_days.values("url"))

    def get_queryset(self):
        rows = self.page_rows(ElementDailyStats).filter(date__range=self.date_range.bounds)
        keys = ("url", "kind", "selector", "detail")
        return self.order_rows(reports.elements_by_frustration(rows, keys))

    def page_replay_filters(self):
        department = self.page_department.pk if self.page_department else None
        return {"department": department, "page": self.page.pk}

    def decorate_paginated_queryset(self, object_list):
        rows = element_names.describe_rows(object_list)
        for row in rows:
            # The detail is an error for error clicks and the last field for abandoned forms.
            row["error"] = row["detail"] if row["kind"] == SignalKind.ERROR_CLICK else ""
            abandoned = row["kind"] == SignalKind.FORM_ABANDONMENT
            row["field"] = element_names.field_words(row["detail"]) if abandoned else ""
        if self.is_export:
            return rows
        for row in rows:
            add_element_replay(row, self.replay_link, **self.page_replay_filters())
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        days = self.page_rows(PageDailyStats)
        week = self.date_range.last_week()
        context.update(
            page=self.page,
            page_department=self.page_department,
            summary=summary_context(reports.summarise(days, self.date_range)),
            chart=chart_context(reports.signals_per_day(days, self.date_range)),
            insights=insights_context(insights.page_insights(self.page, week)),
            page_replay_url=self.replay_link(**self.page_replay_filters()),
        )
        if not self.results_only:
            context["clickmap"] = self.clickmap_context()
        return context

    def clickmap_context(self):
        """The live page's address and its worst clicked elements in the date range, numbered.

        None for a page that is not live or has no address: there is nothing to show.
        """
        url = self.page.get_url(self.request) if self.page.live else None
        if not url:
            return None
        rows = (
            self.page_rows(ElementDailyStats)
            .filter(date__range=self.date_range.bounds, kind__in=MAIN_KINDS)
            .exclude(selector="")
        )
        # One marker per element and kind: an element's error clicks of every error together.
        worst = reports.elements_by_frustration(rows, ("kind", "selector")).order_by(
            "-total_signals", "-total_sessions", "kind", "selector"
        )
        rows = list(worst[: self.clickmap_size + 1])
        page_urls = self.page_rows(PageDailyStats).values("url")
        words = element_names.names_by_selector([row["selector"] for row in rows], page_urls)
        markers = [
            {
                "number": number,
                "kind": row["kind"],
                "label": kind_display(row["kind"]),
                "letter": str(self.clickmap_letters[row["kind"]]),
                "selector": row["selector"],
                "element": words.get(row["selector"])
                or element_names.unnamed_words(row["selector"], self.page.title),
                "signals": row["total_signals"],
                "sessions": row["total_sessions"],
            }
            for number, row in enumerate(rows[: self.clickmap_size], start=1)
        ]
        return {"url": url, "markers": markers, "more": len(rows) > self.clickmap_size}
