"""The survey reports in the admin: every survey's results, one survey's, and the hub section.

Both reports share the analytics reports' department scoping, date range and 403 page
(`AnalyticsReportView`); their rows come from `surveys.reports`.
One module per job, as in Wagtail's `admin/views/reports/`: `results` (every survey),
`survey` (one survey), `hub` (the hub section), `display` (how numbers read) and `filters`.
"""

from .display import (
    TOP_PAGES,
    low_ratings_display,
    number_display,
    percent_display,
    replay_url,
    rounded,
    sentiment_display,
    session_reference,
    survey_report_url,
)
from .filters import CommentFilterSet
from .hub import survey_section_context
from .results import SurveyResultsReportView
from .survey import (
    ResponsePageColumn,
    SurveyReportView,
    distribution_context,
    trend_context,
)

__all__ = [
    "CommentFilterSet",
    "ResponsePageColumn",
    "SurveyReportView",
    "SurveyResultsReportView",
    "TOP_PAGES",
    "distribution_context",
    "low_ratings_display",
    "number_display",
    "percent_display",
    "replay_url",
    "rounded",
    "sentiment_display",
    "session_reference",
    "survey_report_url",
    "survey_section_context",
    "trend_context",
]
