"""The hub's "Frustration" section of a department or of all the user's departments."""

from django.urls import reverse
from django.utils.http import urlencode

from ... import element_names, insights, reports
from ...models import DepartmentDailyStats, ElementDailyStats, PageDailyStats, SignalKind
from ...presenters import (
    add_element_replay,
    chart_context,
    insights_context,
    kind_display,
    page_report_url,
    summary_context,
)
from ...reports import DateRange, DateRangeError

TOP = 5


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
    top_elements = element_names.describe_rows(top_elements)
    page_ids = reports.page_ids_by_url(pages, [row["url"] for row in top_elements])
    for row in top_elements:
        add_element_replay(row, replay_link, page=page_ids)
    top_errors = reports.with_most_clicked(reports.javascript_errors(elements)[:TOP], elements)
    top_errors = element_names.with_top_element(top_errors)
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
