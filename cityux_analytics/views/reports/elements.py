"""The "Frustrating elements" report."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView

from ... import element_names, reports
from ...models import ElementDailyStats, PageDailyStats
from ...presenters import (
    add_element_replay,
    kind_display,
)
from .base import AnalyticsReportView, ElementColumn, ReplayColumn
from .filters import ElementFilterSet


def element_columns(*middle):
    """The columns of a table of elements: the element and its signal, `middle`, the counts."""
    return [
        ElementColumn(),
        Column("kind", label=_("Signal"), accessor=lambda row: kind_display(row["kind"])),
        *middle,
        NumberColumn("total_signals", label=_("Signals"), sort_key="total_signals"),
        NumberColumn("total_sessions", label=_("Sessions"), sort_key="total_sessions"),
        ReplayColumn(),
    ]


class ElementTable:
    """What every report with a row per element and signal shares (mixed into a report view)."""

    default_ordering = "-total_signals"
    tiebreak = ("url", "kind", "selector")
    row_name = _("element")
    rows_name = _("elements")


class ElementsReportView(ElementTable, AnalyticsReportView):
    page_title = _("Frustrating elements")
    header_icon = "crosshairs"
    filterset_class = ElementFilterSet
    index_url_name = "cityux_analytics_reports:elements"
    index_results_url_name = "cityux_analytics_reports:elements_results"
    export_filename = "cityux-frustrating-elements"
    columns = element_columns(
        Column("url", label=_("Page address")),
        Column("department__name", label=_("Department")),
    )
    list_export = [
        "element",
        "selector",
        "kind",
        "url",
        "department__name",
        "total_signals",
        "total_sessions",
    ]
    export_headings = {
        "element": _("Element"),
        "selector": _("CSS selector"),
        "kind": _("Signal"),
        "url": _("Page address"),
        "department__name": _("Department"),
        "total_signals": _("Signals"),
        "total_sessions": _("Sessions"),
    }
    custom_field_preprocess = {
        "kind": {
            ReportView.FORMAT_CSV: kind_display,
            ReportView.FORMAT_XLSX: kind_display,
        }
    }

    @cached_property
    def kind(self):
        self.filters.is_valid()  # cleans the form
        if "kind" in self.filters.form.errors:
            return None
        return self.filters.form.cleaned_data.get("kind") or None

    def get_queryset(self):
        rows = self.daily_rows(ElementDailyStats)
        if self.kind:
            rows = rows.filter(kind=self.kind)
        return self.order_rows(reports.elements_by_frustration(rows))

    def decorate_paginated_queryset(self, object_list):
        rows = element_names.describe_rows(object_list)
        if self.is_export:
            return rows
        pages = reports.page_ids_by_url(
            self.daily_rows(PageDailyStats), [row["url"] for row in rows]
        )
        for row in rows:
            add_element_replay(row, self.replay_link, department=row["department"], page=pages)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["explanation"] = _(
            "The buttons, links and other parts of pages where residents ran into trouble, "
            "the most troublesome first. Filter by kind of signal to see, say, only rage clicks."
        )
        context["kinds_explained"] = reports.kinds_explained()
        return context
