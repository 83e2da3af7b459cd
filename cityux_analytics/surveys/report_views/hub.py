"""The surveys section of the analytics hub."""

from django.urls import reverse
from django.utils.http import urlencode

from ...reports import DateRange
from .. import reports
from .display import survey_report_url


def survey_section_context(request, departments):
    """The hub's "Surveys" section: the last 28 days of `departments`' surveys."""
    departments = list(departments)
    date_range = DateRange.last_days()
    surveys = reports.visible_surveys(request.user, departments)
    responses = reports.responses_in(date_range, surveys)
    report_url = reverse("cityux_survey_reports:index")
    if len(departments) == 1:
        report_url += "?" + urlencode({"department": departments[0].pk})
    return {
        "date_range": date_range,
        "live_count": reports.live_surveys(surveys).count(),
        "totals": reports.survey_totals(surveys, date_range),
        "low_rated": [
            {"response": response, "report_url": survey_report_url(response.survey)}
            for response in reports.latest_low_rated_comments(responses)
        ],
        "report_url": report_url,
    }
