"""The analytics reports in the admin, one report per module, and the hub's "Frustration" section.

The names below are re-exported so `from cityux_analytics.views.reports import ...` keeps working.
"""

from ...presenters import kind_display, summary_context
from .base import AnalyticsReportView, PageColumn, ReplayColumn
from .elements import ElementsReportView
from .errors import ErrorsReportView
from .filters import DateRangeFilterSet, DepartmentFilterSet, ElementFilterSet
from .hub import frustration_section_context
from .page import PageUXReportView
from .pages import PagesReportView

__all__ = [
    "AnalyticsReportView",
    "DateRangeFilterSet",
    "DepartmentFilterSet",
    "ElementFilterSet",
    "ElementsReportView",
    "ErrorsReportView",
    "PageColumn",
    "PageUXReportView",
    "PagesReportView",
    "ReplayColumn",
    "frustration_section_context",
    "kind_display",
    "summary_context",
]
