"""The survey reports in the admin: department scoping, exports, the numbers, the hub section."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cityux.models import Department
from cityux_analytics.models import (
    Survey,
    SurveyDailyStats,
    SurveyResponse,
    TrackedSession,
)
from cityux_analytics.reports import DateRange
from cityux_analytics.surveys import reports
from tests.cityux_analytics.factories import new_sid

pytestmark = pytest.mark.django_db

LIST_URL = "cityux_survey_reports:index"
POTHOLE = "Was reporting a pothole easy?"
BADGE = "Did you find the badge form?"


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def make_survey(department, title):
    return Survey.objects.create(title=title, department=department, questions=[])


def shown_and_answered(survey, url, days_ago, shown, answered):
    SurveyDailyStats.objects.create(
        survey=survey,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        url=url,
        department=survey.department,
        shown=shown,
        answered=answered,
    )


def respond(survey, rating=None, comment="", sentiment=None, days_ago=1, url="/", session=None):
    return SurveyResponse.objects.create(
        survey=survey,
        url=url,
        department=survey.department,
        rating=rating,
        comment=comment,
        sentiment=sentiment,
        session=session,
        created_at=ago(days_ago),
    )


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def police(city):
    return Department.objects.get(slug="police")


@pytest.fixture
def pothole_survey(works):
    """Shown 100 times, answered 20 times; five rated answers, 1, 2, 2, 4 and 5."""
    survey = make_survey(works, POTHOLE)
    shown_and_answered(survey, "/works/pothole/", 1, shown=40, answered=10)
    shown_and_answered(survey, "/works/", 2, shown=60, answered=10)
    respond(survey, 1, "The map would not load", -0.6, url="/works/pothole/")
    respond(survey, 2, "Too many steps", -0.2, url="/works/pothole/")
    respond(survey, 2, url="/works/pothole/")
    respond(survey, 4, "Quick enough", 0.4, url="/works/")
    respond(survey, 5, url="/works/")
    respond(survey, 1, "An old complaint", -0.9, days_ago=60, url="/works/old/")
    return survey


@pytest.fixture
def badge_survey(police):
    survey = make_survey(police, BADGE)
    shown_and_answered(survey, "/police/badge/", 1, shown=10, answered=5)
    respond(survey, 1, "The badge form is broken", -0.7, url="/police/badge/")
    return survey


@pytest.fixture
def surveys(pothole_survey, badge_survey):
    return [pothole_survey, badge_survey]


@pytest.fixture
def lead_client(client, works, make_lead):
    client.force_login(make_lead(works))
    return client


def survey_url(survey, results=False):
    name = "survey_results" if results else "survey"
    return reverse(f"cityux_survey_reports:{name}", args=[survey.pk])


def csv_rows(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(content)))


def xlsx_rows(response):
    from openpyxl import load_workbook

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


# -- the list of surveys ----------------------------------------------------------------------


def test_lead_sees_only_their_departments_surveys(lead_client, surveys):
    html = lead_client.get(reverse(LIST_URL)).content.decode()
    assert POTHOLE in html
    assert BADGE not in html


def test_lead_exports_only_their_departments_surveys_as_csv(lead_client, surveys):
    rows = csv_rows(lead_client.get(reverse(LIST_URL), {"export": "csv"}))
    assert [row["Survey"] for row in rows] == [POTHOLE]


def test_lead_exports_only_their_departments_surveys_as_xlsx(lead_client, surveys):
    rows = xlsx_rows(lead_client.get(reverse(LIST_URL), {"export": "xlsx"}))
    assert rows[1][0] == POTHOLE
    assert len(rows) == 2
    assert "police" not in repr(rows).lower()


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_lead_asking_for_another_departments_surveys_gets_403(lead_client, surveys, police, export):
    query = {"department": police.pk, **({"export": export} if export else {})}
    response = lead_client.get(reverse(LIST_URL), query)
    assert response.status_code == 403
    assert BADGE not in response.content.decode()


def test_city_wide_analyst_sees_every_departments_surveys(client, surveys, city_wide_analyst):
    client.force_login(city_wide_analyst)
    rows = csv_rows(client.get(reverse(LIST_URL), {"export": "csv"}))
    assert {row["Survey"] for row in rows} == {POTHOLE, BADGE}


def test_user_without_departments_gets_403(client, surveys, django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse(LIST_URL)).status_code == 403


def test_survey_row_sums_the_last_28_days(lead_client, surveys):
    [row] = csv_rows(lead_client.get(reverse(LIST_URL), {"export": "csv"}))
    assert row["Department"] == "Public Works"
    assert (row["Shown"], row["Answered"], row["Response rate (%)"]) == ("100", "20", "20.0")
    assert row["Responses with a rating"] == "5"  # the 60-day-old answer is left out
    assert row["Average rating (1-5)"] == "2.8"
    assert (row["Low ratings (1-2)"], row["Low ratings (% of ratings)"]) == ("3", "60.0")
    assert row["Responses with a comment"] == "3"
    assert row["Average sentiment (-1 to 1)"] == "-0.13"


def test_survey_without_answers_is_listed_with_blanks(lead_client, works):
    make_survey(works, "Nobody answered")
    [row] = csv_rows(lead_client.get(reverse(LIST_URL), {"export": "csv"}))
    assert (row["Shown"], row["Response rate (%)"], row["Average rating (1-5)"]) == ("0", "", "")
    html = lead_client.get(reverse(LIST_URL)).content.decode()
    assert ">None<" not in html


def test_survey_row_links_to_the_surveys_report(lead_client, surveys, pothole_survey):
    html = lead_client.get(reverse(LIST_URL)).content.decode()
    assert f'href="{survey_url(pothole_survey)}"' in html
    assert "20%" in html and "60% (3 of 5)" in html


def test_date_filter_bounds_the_survey_rows(lead_client, surveys):
    # The old answer's own local day: across a daylight-saving change, 60 days of 24 hours
    # before a late-evening "now" can fall on the next calendar day.
    day = timezone.localdate(timezone.now() - datetime.timedelta(days=60)).isoformat()
    query = {"date_from": day, "date_to": day, "export": "csv"}
    [row] = csv_rows(lead_client.get(reverse(LIST_URL), query))
    assert (row["Responses with a rating"], row["Average rating (1-5)"]) == ("1", "1.0")
    assert row["Shown"] == "0"


# -- one survey's report ----------------------------------------------------------------------


@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_survey_report_is_403_for_another_departments_survey(lead_client, badge_survey, export):
    response = lead_client.get(survey_url(badge_survey), {"export": export} if export else {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Police" in html
    assert "badge form is broken" not in html


def test_survey_reports_results_fragment_is_403_for_another_departments_survey(
    lead_client, badge_survey
):
    assert lead_client.get(survey_url(badge_survey, results=True)).status_code == 403


def test_survey_report_of_a_missing_survey_is_404(lead_client, works):
    assert (
        lead_client.get(reverse("cityux_survey_reports:survey", args=[999999])).status_code == 404
    )


def test_survey_report_shows_response_rate_and_ratings(lead_client, pothole_survey):
    response = lead_client.get(survey_url(pothole_survey))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.shown, totals.answered, totals.response_rate) == (100, 20, 20)
    assert totals.average_rating == pytest.approx(2.8)
    assert totals.low_rating_share == pytest.approx(60)
    html = response.content.decode()
    assert '<dd class="cityux-headline__number">20%</dd>' in html
    assert '<dd class="cityux-headline__number">2.8</dd>' in html


def test_survey_report_shows_the_score_distribution(lead_client, pothole_survey):
    response = lead_client.get(survey_url(pothole_survey))
    ratings = response.context["distribution"]["ratings"]
    assert [row["count"] for row in ratings] == [1, 2, 0, 1, 1]
    assert [row["percent"] for row in ratings] == [20, 40, 0, 20, 20]
    assert 'max="2" value="2"' in response.content.decode()


def test_survey_report_shows_the_trend_per_day(lead_client, pothole_survey):
    response = lead_client.get(survey_url(pothole_survey))
    trend = response.context["trend"]
    assert len(trend["days"]) == 28
    yesterday = trend["days"][-2]
    assert (yesterday["responses"], yesterday["average_rating"]) == (5, pytest.approx(2.8))
    assert trend["ratings"]["datasets"][0]["data"][-2] == 2.8
    assert 'data-cityux-chart="cityux-survey-responses"' in response.content.decode()


def test_survey_report_shows_results_by_page(lead_client, pothole_survey):
    pages = lead_client.get(survey_url(pothole_survey)).context["pages"]
    assert [(row["url"], row["responses"], row["low_ratings"]) for row in pages] == [
        ("/works/pothole/", 3, 3),
        ("/works/", 2, 0),
    ]
    assert pages[1]["average_rating"] == pytest.approx(4.5)


def test_comments_show_their_tone_in_words(lead_client, pothole_survey):
    html = lead_client.get(survey_url(pothole_survey)).content.decode()
    assert "The map would not load" in html
    assert "negative (-0.60)" in html and "positive (+0.40)" in html


def test_comments_show_the_session_and_link_its_replay_only_when_recorded(
    lead_client, pothole_survey
):
    from cityux_analytics.replay.models import ReplayChunk

    session = TrackedSession.objects.create(sid=new_sid(), started_at=ago(1), last_event_at=ago(1))
    respond(pothole_survey, 1, "Gave up on the form", -0.5, session=session)
    html = lead_client.get(survey_url(pothole_survey)).content.decode()
    assert f"Session #{session.pk}" in html
    assert f"/admin/cityux/replays/{session.pk}/" not in html

    ReplayChunk.objects.create(session=session, seq=0, data=b"x", size=1)
    html = lead_client.get(survey_url(pothole_survey)).content.decode()
    assert f'href="/admin/cityux/replays/{session.pk}/"' in html


def test_comment_without_a_rating_shows_a_blank_rating(lead_client, works):
    survey = make_survey(works, "Comments only")
    respond(survey, comment="No stars, just words")
    html = lead_client.get(survey_url(survey)).content.decode()
    assert "No stars, just words" in html
    assert ">None<" not in html.replace(" ", "").replace("\n", "")


def test_comment_search_filters_the_comments(lead_client, pothole_survey):
    query = {"q": "map", "export": "csv"}
    rows = csv_rows(lead_client.get(survey_url(pothole_survey), query))
    assert [row["Comment"] for row in rows] == ["The map would not load"]


def test_rating_filter_keeps_the_comments_of_those_ratings(lead_client, pothole_survey):
    query = {"rating": ["1", "2"], "export": "csv"}
    rows = csv_rows(lead_client.get(survey_url(pothole_survey), query))
    assert sorted(row["Comment"] for row in rows) == ["The map would not load", "Too many steps"]


def test_comments_export_as_csv_with_tone_and_page(lead_client, pothole_survey):
    rows = csv_rows(lead_client.get(survey_url(pothole_survey), {"export": "csv"}))
    assert len(rows) == 3  # answers with a comment, in the last 28 days
    quick = next(row for row in rows if row["Comment"] == "Quick enough")
    assert (quick["Rating (1-5)"], quick["Sentiment (-1 to 1)"], quick["Tone"]) == (
        "4",
        "0.4",
        "positive",
    )
    assert quick["Page address"] == "http://testserver/works/"  # WAGTAILADMIN_BASE_URL


def test_comments_export_as_xlsx(lead_client, pothole_survey):
    rows = xlsx_rows(lead_client.get(survey_url(pothole_survey), {"export": "xlsx"}))
    assert rows[0][:2] == ["Received", "Page address"]
    assert len(rows) == 4


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "2025-13-45"}, "is not a date"),
        ({"date_to": "yesterday"}, "is not a date"),
        ({"date_from": "2025-03-10", "date_to": "2025-03-01"}, "is after the end date"),
    ],
)
@pytest.mark.parametrize("report", ["list", "survey"])
def test_bad_dates_give_a_clear_message(lead_client, pothole_survey, report, query, message):
    url = reverse(LIST_URL) if report == "list" else survey_url(pothole_survey)
    response = lead_client.get(url, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Showing the last 28 days instead." in html


# -- the hub section and the menu -------------------------------------------------------------


def test_hub_section_shows_the_headline_numbers(lead_client, surveys):
    response = lead_client.get(reverse("cityux_hub:department", args=["public-works"]))
    assert response.status_code == 200
    assert response.context["live_count"] == 1
    totals = response.context["totals"]
    assert (totals.shown, totals.answered, totals.low_ratings) == (100, 20, 3)
    html = response.content.decode()
    assert "Surveys live" in html
    assert '<dd class="cityux-headline__number">20%</dd>' in html
    assert '<dd class="cityux-headline__number">2.8</dd>' in html


def test_hub_section_covers_only_the_users_departments(lead_client, surveys):
    response = lead_client.get(reverse("cityux_hub:overview"))
    assert response.context["totals"].shown == 100
    assert "badge form is broken" not in response.content.decode()


def test_hub_section_lists_the_latest_low_rated_comments_escaped(lead_client, pothole_survey):
    respond(pothole_survey, 1, "<script>alert('x')</script> useless", -0.8, days_ago=0)
    response = lead_client.get(reverse("cityux_hub:overview"))
    comments = [item["response"].comment for item in response.context["low_rated"]]
    assert len(comments) == 3
    assert comments[0].startswith("<script>")
    assert set(comments[1:]) == {"The map would not load", "Too many steps"}
    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_hub_section_links_to_the_survey_results_of_its_department(lead_client, surveys, works):
    response = lead_client.get(reverse("cityux_hub:department", args=["public-works"]))
    assert response.context["report_url"] == f"{reverse(LIST_URL)}?department={works.pk}"


def test_survey_results_appear_in_the_city_ux_menu_of_a_lead(lead_client):
    html = lead_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(LIST_URL) in html


# -- the numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "score, label",
    [(None, ""), (-0.6, "negative"), (-0.05, "negative"), (0.0, "neutral"), (0.3, "positive")],
)
def test_sentiment_label(score, label):
    assert reports.sentiment_label(score) == label


def test_percent_is_none_without_a_whole():
    assert reports.percent(1, 4) == 25
    assert reports.percent(0, 0) is None


def test_score_distribution_counts_each_rating(works):
    survey = make_survey(works, "Scores")
    for rating in [5, 5, 3, None]:
        respond(survey, rating)
    found = reports.score_distribution(SurveyResponse.objects.all())
    assert [row["count"] for row in found] == [0, 0, 1, 0, 2]
    assert found[4]["percent"] == pytest.approx(200 / 3)


def test_responses_per_day_fills_days_without_answers(works):
    survey = make_survey(works, "Trend")
    respond(survey, 4, days_ago=1)
    today = timezone.localdate()
    days = reports.responses_per_day(
        SurveyResponse.objects.all(), DateRange(today - datetime.timedelta(days=2), today)
    )
    assert [day["responses"] for day in days] == [0, 1, 0]
    assert [day["average_rating"] for day in days] == [None, 4, None]


def test_live_surveys_leaves_out_drafts_and_ended_surveys(works):
    make_survey(works, "Live")
    Survey.objects.create(title="Draft", department=works, questions=[], live=False)
    Survey.objects.create(title="Ended", department=works, questions=[], ends_at=ago(1))
    assert [s.title for s in reports.live_surveys(Survey.objects.all())] == ["Live"]
