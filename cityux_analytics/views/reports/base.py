"""What every analytics report shares: department scoping, the date range and the 403.

Every report reads rollups narrowed by `reports.daily_rows` (who may see what) and asks for
another department answer 403. Filters are applied to the daily rows *before* they are
summed, so `filter_queryset` leaves the summed queryset alone.
"""

from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from cityux.access import departments_for_user
from cityux.admin import forbidden
from cityux.exports import FormulaSafeExportMixin, SiteAddressExportMixin

from ... import reports
from ...reports import DateRange, DateRangeError
from .filters import DepartmentFilterSet


class ReplayColumn(Column):
    """A "Watch sessions" link to the replays this row counts (empty without replay list)."""

    cell_template_name = "cityux_analytics/tables/replay_cell.html"

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Replays"))
        kwargs.setdefault("accessor", lambda row: row.get("replay_url"))
        super().__init__("replay_url", **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["about"] = instance.get("replay_about", "")
        return context


class ElementColumn(Column):
    """An element in the page's words ("“Send” button in “Report a pothole” form"); its CSS
    selector shows on hover. Needs rows given `element` by `element_names.describe_rows`."""

    cell_template_name = "cityux_analytics/tables/element_cell.html"

    def __init__(self, name="element", selector_key="selector", **kwargs):
        self.selector_key = selector_key
        kwargs.setdefault("label", _("Element"))
        kwargs.setdefault("accessor", lambda row: row.get(name) or row[selector_key])
        kwargs.setdefault("classname", "cityux-wrap")
        super().__init__(name, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["selector"] = instance.get(self.selector_key, "")
        return context


class PageColumn(TitleColumn):
    """The page's title (or address, for pages gone from the site) with its address below."""

    cell_template_name = "cityux_analytics/tables/page_cell.html"


class AnalyticsReportView(SiteAddressExportMixin, FormulaSafeExportMixin, ReportView):
    """Department scoping, the date range and the 403 that every analytics report shares."""

    template_name = "cityux_analytics/reports/report.html"
    results_template_name = "cityux_analytics/reports/results.html"
    table_classname = "listing cityux-report-table"
    # What one row is, for "Page 1 of 3 … 120 pages" under the table.
    row_name = _("page")
    rows_name = _("pages")
    filterset_class = DepartmentFilterSet
    header_icon = "crosshairs"
    paginate_by = 50
    # After the column the reader sorts by, so that equal rows keep one order across pages.
    tiebreak = ("url",)

    def get(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal is not None:
            return refusal
        return super().get(request, *args, **kwargs)

    def refusal(self):
        """A 403 response if the user may not see what they asked for, else None."""
        if not departments_for_user(self.request.user).exists():
            return self.forbidden(_("These reports are shown to department leads and analysts."))
        if self.filters.is_bound and "department" in self.filters.form.errors:
            return self.forbidden(
                _(
                    "You asked for a department whose reports you cannot see. Reports of a "
                    "department are shown to its leads and to city-wide analysts only."
                )
            )
        return None

    def forbidden(self, reason):
        return forbidden(self.request, reason)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def date_range_and_error(self):
        get = self.request.GET
        try:
            return reports.parse_date_range(get.get("date_from", ""), get.get("date_to", "")), ""
        except DateRangeError as error:
            return DateRange.last_days(), str(error)

    @property
    def date_range(self):
        return self.date_range_and_error[0]

    @cached_property
    def department(self):
        """The department chosen in the filter (checked by `refusal`), or None for all."""
        self.filters.is_valid()  # cleans the form
        if "department" in self.filters.form.errors:
            return None
        return self.filters.form.cleaned_data.get("department")

    def daily_rows(self, model):
        departments = [self.department] if self.department else None
        return reports.daily_rows(model, self.request.user, departments, self.date_range)

    def filter_queryset(self, queryset):
        return queryset

    def replay_link(self, **filters):
        """The replay list narrowed to `filters` and this report's dates (None if absent)."""
        return reports.replay_link(self.date_range, **filters)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.verbose_name, paginator.verbose_name_plural = self.row_name, self.rows_name
        return paginator

    def order_rows(self, rows):
        """Rows in the order the reader clicked, blanks last; else the report's own order."""
        if not self.is_explicitly_ordered or not self.ordering:
            return rows
        name = self.ordering.removeprefix("-")
        if self.ordering.startswith("-"):
            first = F(name).desc(nulls_last=True)
        else:
            first = F(name).asc(nulls_last=True)
        return rows.order_by(first, *self.tiebreak)

    @cached_property
    def no_results_message(self):
        return _(
            "No frustration was recorded for these dates. Reports fill in the day after "
            "residents who accepted usability measurement visit the site."
        )

    def get_range_note(self):
        """What the rows cover, above the results."""
        return _(
            "%(scope)s, %(start)s to %(end)s. Use “Filter” to change the dates or the department."
        ) % {
            "scope": self.department.name if self.department else _("All your departments"),
            "start": date_format(self.date_range.start, "j M Y"),
            "end": date_format(self.date_range.end, "j M Y"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["date_range"], context["date_error"] = self.date_range_and_error
        context["department"] = self.department
        context["range_note"] = self.get_range_note()
        return context
