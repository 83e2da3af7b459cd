"""The "JavaScript errors" report."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, NumberColumn

from ... import element_names, reports
from ...models import ElementDailyStats, SignalKind
from ...presenters import (
    error_about,
)
from .base import AnalyticsReportView, ElementColumn, ReplayColumn


class ErrorsReportView(AnalyticsReportView):
    page_title = _("JavaScript errors")
    header_icon = "warning"
    index_url_name = "cityux_analytics_reports:errors"
    index_results_url_name = "cityux_analytics_reports:errors_results"
    export_filename = "cityux-javascript-errors"
    default_ordering = "-total_signals"
    tiebreak = ("detail",)
    row_name = _("error")
    rows_name = _("errors")
    columns = [
        Column("detail", label=_("Error (message @ script)")),
        NumberColumn("total_signals", label=_("Clicks that hit it"), sort_key="total_signals"),
        NumberColumn("total_sessions", label=_("Sessions"), sort_key="total_sessions"),
        NumberColumn("page_count", label=_("Pages"), sort_key="page_count"),
        ElementColumn(
            "top_element", selector_key="top_selector", label=_("Element clicked most often")
        ),
        Column(
            "last_seen",
            label=_("Last seen"),
            accessor=lambda row: date_format(row["last_seen"], "j M Y"),
            sort_key="last_seen",
        ),
        ReplayColumn(),
    ]
    list_export = [
        "detail",
        "total_signals",
        "total_sessions",
        "page_count",
        "top_element",
        "top_selector",
        "first_seen",
        "last_seen",
    ]
    export_headings = {
        "detail": _("Error (message @ script)"),
        "total_signals": _("Clicks that hit it"),
        "total_sessions": _("Sessions"),
        "page_count": _("Pages"),
        "top_element": _("Element clicked most often"),
        "top_selector": _("Its CSS selector"),
        "first_seen": _("First seen"),
        "last_seen": _("Last seen"),
    }

    def get_queryset(self):
        return self.order_rows(reports.javascript_errors(self.daily_rows(ElementDailyStats)))

    def decorate_paginated_queryset(self, object_list):
        # The table holds the same (now evaluated) rows, so it shows `top_element` too.
        rows = reports.with_most_clicked(object_list, self.daily_rows(ElementDailyStats))
        rows = element_names.with_top_element(rows)
        department = self.department.pk if self.department else None
        for row in rows:
            row["replay_url"] = self.replay_link(
                department=department, error=row["detail"], kind=SignalKind.ERROR_CLICK
            )
            row["replay_about"] = error_about(row["detail"])
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explanation"] = _(
            "Errors in the pages' code that happened right after a resident clicked: the click "
            "most likely did not do what they wanted. Give this list to your web team."
        )
        return context
