"""The analytics reports in the admin: the hub's "Frustration" section and the full reports.

Every report reads rollups narrowed by `reports.daily_rows` (who may see what) and asks for
another department answer 403. Filters are applied to the daily rows *before* they are
summed, so `filter_queryset` leaves the summed queryset alone.
"""

import django_filters
import swapper
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from cityux.access import can_see_department, departments_for_user, sees_every_department
from cityux.departments import department_for_page
from cityux.exports import FormulaSafeExportMixin

from .. import insights, reports
from ..models import DepartmentDailyStats, ElementDailyStats, PageDailyStats, SignalKind
from ..reports import KINDS, DateRange, DateRangeError, kind_label, total

FORBIDDEN_TEMPLATE = "cityux_analytics/reports/forbidden.html"
TOP = 5


def kind_display(value):
    return str(SignalKind(value).label) if value in SignalKind.values else value


def percent_display(value):
    return "" if value is None else f"{value}%"


# -- the filters ------------------------------------------------------------------------------


class DateRangeFilterSet(WagtailFilterSet):
    # Read by `AnalyticsReportView.date_range`; declared here for the filter form.
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From date"), widget=AdminDateInput
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To date"), widget=AdminDateInput
    )

    class Meta:
        model = PageDailyStats
        fields = []


class DepartmentFilterSet(DateRangeFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=lambda request: departments_for_user(request.user),
        empty_label=_("All my departments"),
    )


class ElementFilterSet(DepartmentFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind of signal"),
        choices=SignalKind.choices,
        empty_label=_("All kinds"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ElementDailyStats
        fields = []


# -- the reports ------------------------------------------------------------------------------


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


class PageColumn(TitleColumn):
    """The page's title (or address, for pages gone from the site) with its address below."""

    cell_template_name = "cityux_analytics/tables/page_cell.html"


class AnalyticsReportView(FormulaSafeExportMixin, ReportView):
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
        return TemplateResponse(self.request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)

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


# The kinds the Pages report gives a column each; the others are summed in "Other signals".
MAIN_KINDS = (SignalKind.RAGE_CLICK, SignalKind.DEAD_CLICK, SignalKind.ERROR_CLICK)
KIND_EXPORT = [total(kind) for kind in KINDS]
KIND_HEADINGS = {total(kind): kind_label(kind) for kind in KINDS}


def page_report_url(row):
    if row["page"] is None:
        return None
    return reverse("cityux_analytics_reports:page", args=[row["page"]])


def error_about(detail):
    """An error signature as a screen reader announces it beside a link: its message."""
    return insights.error_message(detail or "")


def add_element_replay(row, replay_link, department=None, page=None):
    """Give an element row (a dict) its "Watch sessions" link.

    `page` is a page id, or a {address: page id} dict to look the row's address up in.
    """
    if isinstance(page, dict):
        page = page.get(row["url"])
    error = row.get("detail", "") if row["kind"] == SignalKind.ERROR_CLICK else ""
    row["replay_url"] = replay_link(
        department=department, page=page, element=row["selector"], error=error, kind=row["kind"]
    )
    row["replay_about"] = f"{row['selector'] or row['url']} ({kind_display(row['kind'])})"


def insights_context(insight_list):
    """An InsightList as the `_insights.html` template reads it, with replay links."""
    items = []
    for insight in insight_list.insights:
        counts = insight.counts
        items.append(
            {
                "text": insight.text,
                "tone": insight.tone,
                "about": f"{kind_label(counts.kind)}, {counts.subject}",
                "replay_url": reports.replay_link(
                    insight_list.week,
                    department=counts.department_id,
                    page=counts.page_id,
                    element=insight.attribution.selector,
                    kind=counts.kind,
                ),
            }
        )
    return {"items": items, "reason": insight_list.reason_text, "week": insight_list.week}


def frustrated_of_sessions(row):
    return _("%(frustrated)s of %(sessions)s") % {
        "frustrated": intcomma(row["total_frustrated_sessions"]),
        "sessions": intcomma(row["total_sessions"]),
    }


def other_signals(row):
    return sum(row[total(kind)] for kind in KINDS if kind not in MAIN_KINDS)


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


class ElementsReportView(AnalyticsReportView):
    page_title = _("Frustrating elements")
    header_icon = "crosshairs"
    filterset_class = ElementFilterSet
    index_url_name = "cityux_analytics_reports:elements"
    index_results_url_name = "cityux_analytics_reports:elements_results"
    export_filename = "cityux-frustrating-elements"
    default_ordering = "-total_signals"
    tiebreak = ("url", "kind", "selector")
    row_name = _("element")
    rows_name = _("elements")
    columns = [
        Column("selector", label=_("Element (CSS selector)")),
        Column("kind", label=_("Signal"), accessor=lambda row: kind_display(row["kind"])),
        Column("url", label=_("Page address")),
        Column("department__name", label=_("Department")),
        NumberColumn("total_signals", label=_("Signals"), sort_key="total_signals"),
        NumberColumn("total_sessions", label=_("Sessions"), sort_key="total_sessions"),
        ReplayColumn(),
    ]
    list_export = ["selector", "kind", "url", "department__name", "total_signals", "total_sessions"]
    export_headings = {
        "selector": _("Element (CSS selector)"),
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
        rows = list(object_list)
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
        Column("top_selector", label=_("Element clicked most often")),
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
        "top_selector",
        "first_seen",
        "last_seen",
    ]
    export_headings = {
        "detail": _("Error (message @ script)"),
        "total_signals": _("Clicks that hit it"),
        "total_sessions": _("Sessions"),
        "page_count": _("Pages"),
        "top_selector": _("Element clicked most often"),
        "first_seen": _("First seen"),
        "last_seen": _("Last seen"),
    }

    def get_queryset(self):
        return self.order_rows(reports.javascript_errors(self.daily_rows(ElementDailyStats)))

    def decorate_paginated_queryset(self, object_list):
        # The table holds the same (now evaluated) rows, so it shows `top_selector` too.
        rows = reports.with_most_clicked(object_list, self.daily_rows(ElementDailyStats))
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


class PageUXReportView(AnalyticsReportView):
    """One page: its signals over time (chart and table) and its worst elements (export)."""

    template_name = "cityux_analytics/reports/page.html"
    results_template_name = "cityux_analytics/reports/page_results.html"
    filterset_class = DateRangeFilterSet
    header_icon = "view"
    index_url_name = "cityux_analytics_reports:page"
    index_results_url_name = "cityux_analytics_reports:page_results"
    default_ordering = "-total_signals"
    tiebreak = ("url", "kind", "selector")
    row_name = _("element")
    rows_name = _("elements")
    columns = [
        Column("selector", label=_("Element (CSS selector)")),
        Column("kind", label=_("Signal"), accessor=lambda row: kind_display(row["kind"])),
        Column("detail", label=_("Error (for error clicks)")),
        Column("url", label=_("Address")),
        NumberColumn("total_signals", label=_("Signals"), sort_key="total_signals"),
        NumberColumn("total_sessions", label=_("Sessions"), sort_key="total_sessions"),
        ReplayColumn(),
    ]
    list_export = ["selector", "kind", "detail", "url", "total_signals", "total_sessions"]
    export_headings = {
        **ElementsReportView.export_headings,
        "detail": _("Error (for error clicks)"),
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
        rows = list(object_list)
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
        markers = [
            {
                "number": number,
                "kind": row["kind"],
                "label": kind_display(row["kind"]),
                "letter": str(self.clickmap_letters[row["kind"]]),
                "selector": row["selector"],
                "signals": row["total_signals"],
                "sessions": row["total_sessions"],
            }
            for number, row in enumerate(rows[: self.clickmap_size], start=1)
        ]
        return {"url": url, "markers": markers, "more": len(rows) > self.clickmap_size}


# -- the hub section --------------------------------------------------------------------------


def describe_change(current, previous, higher_is_better=False, points=False):
    """How the last 7 days compare with the 7 before: a text and whether it is good news.

    `points` compares scores (a difference in points) instead of counts (a change in percent).
    """
    if current is None or previous is None:
        return {"text": _("too few visits to compare weeks"), "tone": "none"}
    if not points and previous == 0:
        if current == 0:
            return {"text": _("none in the last two weeks"), "tone": "none"}
        return {"text": _("new: none the week before"), "tone": _tone(1, higher_is_better)}
    change = current - previous if points else reports.change_percent(current, previous)
    if change == 0:
        return {"text": _("same as the week before"), "tone": "none"}
    values = {"change": abs(change)}
    if points:
        text = _("up %(change)s points on the week before")
        if change < 0:
            text = _("down %(change)s points on the week before")
    else:
        text = _("up %(change)s%% on the week before")
        if change < 0:
            text = _("down %(change)s%% on the week before")
    return {
        "text": text % values,
        "tone": _tone(change, higher_is_better),
        "arrow": "▲" if change > 0 else "▼",
    }


def _tone(change, higher_is_better):
    return "better" if (change > 0) == higher_is_better else "worse"


def summary_context(summary):
    """The headline numbers of a Summary, each with its week-over-week change described."""
    period, week, before = summary.period, summary.last_week, summary.week_before

    def change(column, higher_is_better=False):
        return describe_change(week[column], before[column], higher_is_better)

    return {
        "sessions": period["sessions"],
        "sessions_change": change("sessions", higher_is_better=True),
        "frustrated_sessions": period["frustrated_sessions"],
        "frustrated_change": change("frustrated_sessions"),
        "ux_score": period.ux_score,
        "ux_score_change": describe_change(
            week.ux_score, before.ux_score, higher_is_better=True, points=True
        ),
        "signals": period.signals,
        "signals_change": describe_change(week.signals, before.signals),
        "kinds": [
            {"summary": kind, "change": describe_change(kind.last_week, kind.week_before)}
            for kind in summary.kinds()
        ],
    }


def chart_context(days):
    """Data for the "Signals per day" chart (JSON for Chart.js) and its table alternative."""
    return {
        "data": {
            "totalLabel": str(_("All signals")),
            "labels": [day["date"].isoformat() for day in days],
            "datasets": [
                {
                    "kind": kind,
                    "label": str(kind_label(kind)),
                    "data": [d[total(kind)] for d in days],
                }
                for kind in KINDS
            ],
        },
        "days": [
            {
                "date": day["date"],
                "counts": [day[total(kind)] for kind in KINDS],
                "signals": day["total_signals"],
                "sessions": day["total_sessions"],
                "frustrated_sessions": day["total_frustrated_sessions"],
            }
            for day in days
        ],
        "kinds": [(kind, kind_label(kind)) for kind in KINDS],
        "has_signals": any(day["total_signals"] for day in days),
    }


def see_all_links(departments, date_range, explicit_dates):
    """The full reports' URLs, for one department's page or the user's departments."""
    query = {}
    if len(departments) == 1:
        query["department"] = departments[0].pk
    if explicit_dates:
        query.update(date_from=date_range.start.isoformat(), date_to=date_range.end.isoformat())
    suffix = f"?{urlencode(query)}" if query else ""
    return {
        name: reverse(f"cityux_analytics_reports:{name}") + suffix
        for name in ("pages", "elements", "errors")
    }


def frustration_section_context(request, departments):
    """The hub's "Frustration" section for `departments` over the `?from=` / `?to=` dates."""
    user = request.user
    explicit_dates = bool(request.GET.get("from") or request.GET.get("to"))
    try:
        date_range = reports.parse_date_range(
            request.GET.get("from", ""), request.GET.get("to", "")
        )
        date_error = ""
    except DateRangeError as error:
        date_range, date_error, explicit_dates = DateRange.last_days(), str(error), False
    departments = list(departments)
    per_day = reports.daily_rows(DepartmentDailyStats, user, departments)
    elements = reports.daily_rows(ElementDailyStats, user, departments, date_range)
    pages = reports.daily_rows(PageDailyStats, user, departments, date_range)
    one_department = departments[0].pk if len(departments) == 1 else None

    def replay_link(**filters):
        filters["department"] = filters.get("department") or one_department
        return reports.replay_link(date_range, **filters)

    top_pages = [
        {
            **row,
            "report_url": page_report_url(row),
            "replay_url": replay_link(page=row["page"]) if row["page"] else None,
        }
        for row in reports.pages_by_frustration(pages)[:TOP]
    ]
    top_elements = [
        {**row, "kind_label": kind_display(row["kind"])}
        for row in reports.elements_by_frustration(elements)[:TOP]
    ]
    page_ids = reports.page_ids_by_url(pages, [row["url"] for row in top_elements])
    for row in top_elements:
        add_element_replay(row, replay_link, page=page_ids)
    top_errors = reports.with_most_clicked(reports.javascript_errors(elements)[:TOP], elements)
    for row in top_errors:
        row["replay_url"] = replay_link(error=row["detail"], kind=SignalKind.ERROR_CLICK)
    return {
        "date_range": date_range,
        "date_error": date_error,
        "summary": summary_context(reports.summarise(per_day, date_range)),
        "chart": chart_context(reports.signals_per_day(per_day, date_range)),
        "insights": (
            insights_context(insights.department_insights(departments[0], date_range.last_week()))
            if one_department
            else None
        ),
        "top_pages": top_pages,
        "top_elements": top_elements,
        "top_errors": top_errors,
        "see_all": see_all_links(departments, date_range, explicit_dates),
    }
