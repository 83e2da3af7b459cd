"""What My data shows, downloads and deletes of analytics, value by value (issue 19: found by
mutation testing): the exact keys of each row, times on the site's clock, the visits newest
first, the pages listed up to 50, and every row a deletion removes and counts."""

import datetime
import uuid

import pytest

from cityux import mydata
from cityux.mydata import DataSubject, data_map, data_sources
from cityux_analytics import mydata as analytics_mydata
from cityux_analytics.models import (
    FrustrationSignal,
    PageView,
    ReplayChunk,
    SurveyResponse,
    TrackedSession,
)
from tests.cityux_analytics.test_survey_api import make_survey, qid

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ME, SOMEONE_ELSE = uuid.uuid4(), uuid.uuid4()


def at(day, hour, minute=0, second=0):
    return datetime.datetime(2026, 7, day, hour, minute, second, tzinfo=UTC)


def subject(*visitor_ids):
    return DataSubject(request=None, visitor_ids=visitor_ids)


def visit(sid, visitor, started, last_event, score=None, pages=(), chunk_sizes=()):
    """A tracked visit with its page views (a minute apart) and replay chunks."""
    session = TrackedSession.objects.create(
        sid=sid, visitor_id=visitor, started_at=started, last_event_at=last_event, score=score
    )
    PageView.objects.bulk_create(
        PageView(
            session=session,
            view_id=number,
            url=url,
            started_at=started + datetime.timedelta(minutes=number),
        )
        for number, url in enumerate(pages)
    )
    for seq, size in enumerate(chunk_sizes):
        ReplayChunk.objects.create(session=session, seq=seq, data=b"x", size=size)
    return session


def signal(session, kind, count):
    FrustrationSignal.objects.create(
        session=session, view_id=0, url="/", kind=kind, count=count, occurred_at=at(2, 4)
    )


# -- visits -----------------------------------------------------------------------------------


def test_each_visit_is_listed_newest_first_with_local_times_pages_difficulties_and_recording(
    city,
):
    older = visit(
        "older",
        ME,
        started=at(2, 3, 30),  # 22:30 on the 1st in Chicago
        last_event=at(2, 3, 41, 7),
        score=42,
        pages=("/pothole/", "/pothole/thanks/"),
        chunk_sizes=(100, 23),
    )
    signal(older, "rage_click", 4)
    signal(older, "rage_click", 2)
    signal(older, "dead_click", 1)
    visit("newer", ME, started=at(3, 14), last_event=at(3, 14, 0, 30))
    visit("theirs", SOMEONE_ELSE, started=at(4, 9), last_event=at(4, 9, 5), pages=("/x/",))

    assert analytics_mydata.session_rows(subject(ME)) == [
        {
            "started": "2026-07-03T09:00:00-05:00",
            "last_activity": "2026-07-03T09:00:30-05:00",
            "pages_viewed": [],
            "difficulties_measured": {},
            "frustration_score": None,
            "screen_recording_kept": False,
            "recording_bytes": 0,
        },
        {
            "started": "2026-07-01T22:30:00-05:00",
            "last_activity": "2026-07-01T22:41:07-05:00",
            "pages_viewed": ["/pothole/", "/pothole/thanks/"],
            "difficulties_measured": {"Rage click": 6, "Dead click": 1},
            "frustration_score": 42,
            "screen_recording_kept": True,
            "recording_bytes": 123,
        },
    ]


def test_a_visit_lists_its_first_50_pages_and_no_more():
    pages = [f"/page-{number}/" for number in range(51)]
    visit("fifty", ME, started=at(2, 10), last_event=at(2, 11), pages=pages[:50])
    visit("fifty-one", SOMEONE_ELSE, started=at(2, 10), last_event=at(2, 11), pages=pages)

    (fifty,) = analytics_mydata.session_rows(subject(ME))
    (fifty_one,) = analytics_mydata.session_rows(subject(SOMEONE_ELSE))
    assert fifty["pages_viewed"] == pages[:50]
    assert fifty_one["pages_viewed"] == pages[:50]


def test_a_subject_without_visitor_ids_has_no_analytics_data_and_deletes_nothing():
    visit("anonymous", None, started=at(2, 10), last_event=at(2, 11), pages=("/",))
    nobody = subject()
    assert analytics_mydata.session_rows(nobody) == []
    assert analytics_mydata.session_ids(nobody) == []
    assert analytics_mydata.response_rows(nobody) == []
    assert analytics_mydata.delete_sessions(nobody) == 0
    assert analytics_mydata.delete_responses(nobody) == 0
    assert TrackedSession.objects.count() == 1


def test_the_session_ids_to_tombstone_are_the_subjects_own():
    visit("mine-1", ME, started=at(2, 10), last_event=at(2, 11))
    visit("mine-2", ME, started=at(3, 10), last_event=at(3, 11))
    visit("theirs", SOMEONE_ELSE, started=at(2, 10), last_event=at(2, 11))
    assert sorted(analytics_mydata.session_ids(subject(ME))) == ["mine-1", "mine-2"]


# -- survey answers -----------------------------------------------------------------------------


@pytest.fixture
def survey(city):
    from cityux.models import Department

    works = Department.objects.get(slug="public-works")
    return make_survey(
        works,
        title="Was this page useful?",
        questions=[("yes_no", {"label": "Found it?", "required": False})],
    )


def respond(survey, created_at, visitor=None, session=None, answer="no", comment=""):
    return SurveyResponse.objects.create(
        survey=survey,
        url="/pothole/",
        visitor_id=visitor,
        session=session,
        answers={qid(survey, "yes_no"): answer},
        comment=comment,
        created_at=created_at,
    )


def test_each_survey_answer_is_listed_newest_first_with_its_words_and_local_time(survey):
    during_my_visit = visit("mine", ME, started=at(5, 12), last_event=at(5, 13))
    respond(survey, at(2, 4, 15), visitor=ME, answer="no", comment="Too long")
    respond(survey, at(5, 12, 30), session=during_my_visit, answer="yes")
    respond(survey, at(6, 12), visitor=SOMEONE_ELSE)

    assert analytics_mydata.response_rows(subject(ME)) == [
        {
            "survey": "Was this page useful?",
            "page": "/pothole/",
            "answered": "2026-07-05T07:30:00-05:00",
            "answers": {"Found it?": "Yes"},
            "comment": "",
        },
        {
            "survey": "Was this page useful?",
            "page": "/pothole/",
            "answered": "2026-07-01T23:15:00-05:00",
            "answers": {"Found it?": "No"},
            "comment": "Too long",
        },
    ]


def test_deleting_survey_answers_removes_the_subjects_and_counts_them(survey):
    during_my_visit = visit("mine", ME, started=at(5, 12), last_event=at(5, 13))
    respond(survey, at(2, 4), visitor=ME)
    respond(survey, at(5, 12), session=during_my_visit)
    theirs = respond(survey, at(6, 12), visitor=SOMEONE_ELSE)

    assert analytics_mydata.delete_responses(subject(ME)) == 2
    assert list(SurveyResponse.objects.all()) == [theirs]


def test_deleting_visits_removes_them_with_everything_hanging_off_them_and_counts_the_rows(
    survey,
):
    mine = visit(
        "mine", ME, started=at(5, 12), last_event=at(5, 13), pages=("/a/", "/b/"), chunk_sizes=(9,)
    )
    signal(mine, "rage_click", 4)
    visit("mine-too", ME, started=at(6, 12), last_event=at(6, 13))
    theirs = visit("theirs", SOMEONE_ELSE, started=at(5, 12), last_event=at(5, 13), pages=("/",))
    respond(survey, at(2, 4), visitor=ME)  # given on no tracked visit
    respond(survey, at(5, 12), session=mine)
    their_answer = respond(survey, at(5, 12), visitor=SOMEONE_ELSE, session=theirs)

    # 2 visits, 2 page views, 1 replay chunk, 1 signal (the answers are counted by their source).
    assert analytics_mydata.delete_sessions(subject(ME)) == 6
    assert list(TrackedSession.objects.all()) == [theirs]
    assert list(PageView.objects.values_list("url", flat=True)) == ["/"]
    assert not ReplayChunk.objects.exists() and not FrustrationSignal.objects.exists()
    assert list(SurveyResponse.objects.all()) == [their_answer]


# -- registration ---------------------------------------------------------------------------------


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(mydata, "_sources", {})
    monkeypatch.setattr(mydata, "_tables", {})


def test_analytics_registers_visits_before_survey_answers_and_only_visits_name_sessions(
    empty_registry,
):
    analytics_mydata.register_my_data()
    assert [
        (source.name, str(source.label), source.order, source.session_ids is not None)
        for source in data_sources()
    ] == [
        ("analytics_sessions", "Your visits measured for usability", 50, True),
        ("survey_answers", "Your survey answers", 60, False),
    ]


SESSION_TABLES = {
    "cityux_analytics.trackedsession",
    "cityux_analytics.receivedbatch",
    "cityux_analytics.pageview",
    "cityux_analytics.rawevent",
    "cityux_analytics.frustrationsignal",
    "cityux_analytics.replaychunk",
    "cityux_analytics.replayfeedback",
}
COUNT_TABLES = {
    "cityux_analytics.pagedailystats",
    "cityux_analytics.departmentdailystats",
    "cityux_analytics.elementdailystats",
    "cityux_analytics.elementname",
    "cityux_analytics.surveydailystats",
    "cityux_analytics.worthmodel",
    "cityux_analytics.survey",
    "cityux_analytics.surveypagetarget",
}
HELD_UNTIL_DRAINED = {"cityux_analytics.spooledbatch", "cityux_analytics.deadletteredbatch"}


def test_analytics_maps_every_table_with_what_covers_it(empty_registry):
    analytics_mydata.register_my_data()
    tables = data_map()
    answers = "cityux_analytics.surveyresponse"
    assert set(tables) == SESSION_TABLES | COUNT_TABLES | HELD_UNTIL_DRAINED | {answers}
    assert {key for key, table in tables.items() if table.personal} == (
        SESSION_TABLES | HELD_UNTIL_DRAINED | {answers}
    )
    assert {tables[key].mydata for key in SESSION_TABLES} == {("analytics_sessions",)}
    assert tables[answers].mydata == ("survey_answers", "analytics_sessions")
    assert tables[answers].linked_by == ("session", "visitor_id")
    assert (tables["cityux_analytics.spooledbatch"].mydata, tables[answers].model) == (
        (),
        "cityux_analytics.SurveyResponse",
    )
    assert tables["cityux_analytics.deadletteredbatch"].linked_by == ("body",)
    assert all(tables[key].retention_days is None for key in COUNT_TABLES)


def test_the_mapped_retention_is_read_from_the_settings_when_asked(empty_registry, settings):
    analytics_mydata.register_my_data()
    tables = data_map()
    kept_as_visits = SESSION_TABLES | HELD_UNTIL_DRAINED
    answers = tables["cityux_analytics.surveyresponse"]
    assert {tables[key].retention_days() for key in kept_as_visits} == {30}
    assert answers.retention_days() == 365

    settings.CITYUX_ANALYTICS = {"RETENTION_DAYS": 12, "SURVEY_RESPONSE_RETENTION_DAYS": 90}
    assert {tables[key].retention_days() for key in kept_as_visits} == {12}
    assert answers.retention_days() == 90
