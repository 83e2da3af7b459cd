"""The "Pages by frustration" report."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, NumberColumn

from ... import reports
from ...models import PageDailyStats
from ...presenters import (
    KIND_EXPORT,
    KIND_HEADINGS,
    MAIN_KINDS,
    frustrated_of_sessions,
    other_signals,
    page_report_url,
    percent_display,
)
from ...reports import kind_label, total
from .base import AnalyticsReportView, PageColumn, ReplayColumn


class PagesReportView(AnalyticsReportView):
    page_title = _("Pages by frustration")
    header_icon = "doc-full"
    index_url_name = "cityux_analytics_reports:pages"
    index_results_url_name = "cityux_analytics_reports:pages_results"
    export_filename = "cityux-pages-by-frustration"
    default_ordering = "-total_frustrated_sessions"
    columns = [
        PageColumn(
            "page",
            label=_("Page"),
            accessor=lambda row: row["page__title"] or row["url"],
            get_url=page_report_url,
            classname="cityux-page-cell",
        ),
        Column("department__name", label=_("Department")),
        Column(
            "total_frustrated_sessions",
            label=_("Frustrated sessions"),
            accessor=frustrated_of_sessions,
            sort_key="total_frustrated_sessions",
        ),
        Column(
            "ux_score",
            label=_("UX score"),
            accessor=lambda row: percent_display(row["ux_score"]),
            sort_key="ux_score",
        ),
        *(
            NumberColumn(total(kind), label=kind_label(kind), sort_key=total(kind))
            for kind in MAIN_KINDS
        ),
        NumberColumn("other_signals", label=_("Other signals"), accessor=other_signals),
        ReplayColumn(),
    ]
    list_export = [
        "url",
        "page__title",
        "department__name",
        "total_views",
        "total_sessions",
        "total_frustrated_sessions",
        "ux_score",
        "total_signals",
        *KIND_EXPORT,
    ]
    export_headings = {
        "url": _("Address"),
        "page__title": _("Page"),
        "department__name": _("Department"),
        "total_views": _("Page views"),
        "total_sessions": _("Sessions"),
        "total_frustrated_sessions": _("Frustrated sessions"),
        "ux_score": _("UX score (% of sessions without frustration)"),
        "total_signals": _("All signals"),
        **KIND_HEADINGS,
    }

    def get_queryset(self):
        return self.order_rows(reports.pages_by_frustration(self.daily_rows(PageDailyStats)))

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        # The rows are the table's own (evaluated) dicts: adding keys shows in the table.
        rows = list(object_list)
        for row in rows:
            if row["page"] is not None:
                row["replay_url"] = self.replay_link(department=row["department"], page=row["page"])
                row["replay_about"] = row["page__title"] or row["url"]
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explanation"] = _(
            "Every page residents visited, the pages where most visits met frustration first. "
            "A frustrated session is a visit with at least one frustration signal; the UX "
            "score is the share of sessions without any."
        )
        context["kinds_explained"] = reports.kinds_explained()
        return context
