"""How the survey reports' numbers, sessions and links read."""

from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView

from .. import reports

# Pages listed under "By page" on a survey's report, those with the most responses.
TOP_PAGES = 25


def number_display(value):
    """A float with at most one decimal ("3.5", "4"); "" for None."""
    return "" if value is None else floatformat(value, -1)


def percent_display(value):
    return "" if value is None else f"{number_display(value)}%"


def sentiment_display(score):
    """A sentiment score in words and figures, e.g. "negative (-0.62)"; "" for None."""
    if score is None:
        return ""
    return f"{reports.sentiment_label(score)} ({score:+.2f})"


def rounded(places):
    """An export preprocessor: the number rounded to `places` decimals, blank for None."""

    def preprocess(value):
        return "" if value is None else round(value, places)

    return {ReportView.FORMAT_CSV: preprocess, ReportView.FORMAT_XLSX: preprocess}


def low_ratings_display(survey):
    if not survey.rated_count:
        return ""
    return _("%(share)s (%(low)s of %(rated)s)") % {
        "share": percent_display(survey.low_rating_share),
        "low": survey.low_rating_count,
        "rated": survey.rated_count,
    }


def session_reference(response):
    """The visit an answer came from; "" when the resident gave no consent to link it."""
    if response.session_id is None:
        return ""
    if getattr(response, "has_replay", False):
        return _("Session #%(id)s (watch the replay)") % {"id": response.session_id}
    return _("Session #%(id)s") % {"id": response.session_id}


def replay_url(response):
    """The admin replay player for the answer's visit, when that visit was recorded."""
    if response.session_id is None or not getattr(response, "has_replay", False):
        return None
    try:
        return reverse("cityux_replays:player", args=[response.session_id])
    except NoReverseMatch:  # replay's admin views are not mounted
        return None


def survey_report_url(survey, query=None):
    url = reverse("cityux_survey_reports:survey", args=[survey.pk])
    return f"{url}?{urlencode(query)}" if query else url
