"""Analytics data on "My data": a resident who agreed to personalisation sees their measured
visits, replays and survey answers, downloads them, and deletes every row of them."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from cityux.consent import ANALYTICS, PERSONALIZATION
from cityux_analytics import pipeline
from cityux_analytics.ingest import ingest_batch
from cityux_analytics.models import (
    FrustrationSignal,
    PageView,
    RawEvent,
    ReceivedBatch,
    ReplayChunk,
    SurveyResponse,
    TrackedSession,
)
from cityux_analytics.replay.views import store_chunk
from tests.cityux_analytics.factories import T0, batch, click, new_sid, view
from tests.cityux_analytics.test_survey_api import make_survey, qid

pytestmark = pytest.mark.django_db

MY_DATA = "/cityux/my-data/"
PAGE = "/public-works/report-a-pothole/"


def resident(*groups):
    """A browser that made its cookie choice and opened the home page (which sets the visitor
    cookie when personalisation was accepted)."""
    client = Client()
    client.post("/cityux/cookies/", {"action": "save", "groups": list(groups)})
    client.get("/")
    return client


def visitor_of(client):
    return client.cookies["cityux_vid"].value


def measured_visit(visitor, sid=None):
    """A visit with rage clicks, ingested as the collect endpoint hands it over."""
    sid = sid or new_sid()
    events = [view(PAGE, ts=T0)] + [click(T0 + 1000 + 200 * n) for n in range(4)]
    payload = batch(events, sid=sid)
    if visitor:
        payload["visitor"] = visitor
    ingest_batch(payload)
    store_chunk({"v": 1, "sid": sid, "seq": 0, "events": [{"type": 4, "data": {}}]})
    return sid


def answer_survey(client, survey):
    response = client.post(
        f"/cityux/surveys/{survey.pk}/responses/",
        {
            "revision": survey.live_revision_id,
            "path": PAGE,
            "answers": {qid(survey, "yes_no"): "no"},
            "hp": "",
            "elapsed_ms": 8000,
        },
        content_type="application/json",
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 201


def rows_of(sids):
    sessions = TrackedSession.objects.filter(sid__in=sids)
    return {
        "sessions": sessions.count(),
        "page views": PageView.objects.filter(session__in=sessions).count(),
        "raw events": RawEvent.objects.filter(session__in=sessions).count(),
        "batches": ReceivedBatch.objects.filter(session__in=sessions).count(),
        "signals": FrustrationSignal.objects.filter(session__in=sessions).count(),
        "replay chunks": ReplayChunk.objects.filter(session__in=sessions).count(),
    }


@pytest.fixture
def works(city):
    from cityux.models import Department

    return Department.objects.get(slug="public-works")


def test_a_resident_sees_downloads_and_deletes_their_analytics_data(city, works):
    me = resident(ANALYTICS, PERSONALIZATION)
    other = resident(ANALYTICS, PERSONALIZATION)
    mine = [measured_visit(visitor_of(me)), measured_visit(visitor_of(me))]
    theirs = [measured_visit(visitor_of(other)), measured_visit(None)]
    pipeline.process_closed_sessions(now=timezone.now() + datetime.timedelta(minutes=31))
    survey = make_survey(works, questions=[("yes_no", {"label": "Found it?", "required": False})])
    answer_survey(me, survey)
    answer_survey(other, survey)

    page = me.get(MY_DATA).content.decode()
    assert "Your visits measured for usability" in page and PAGE in page
    assert "Your survey answers" in page
    data = json.loads(me.get(f"{MY_DATA}download/").content)["data"]
    sessions = data["analytics_sessions"]["items"]
    assert len(sessions) == 2
    assert sessions[0]["pages_viewed"] == [PAGE]
    assert sessions[0]["difficulties_measured"]["Rage click"] == 4
    assert sessions[0]["screen_recording_kept"] is True
    assert [a["answers"] for a in data["survey_answers"]["items"]] == [{"Found it?": "No"}]
    assert "Found it?: No" in page
    assert qid(survey, "yes_no") not in page

    before = rows_of(theirs)
    assert all(rows_of(mine).values()) and all(before.values())
    me.post(MY_DATA, {"confirm": "yes"})
    assert not any(rows_of(mine).values())
    assert rows_of(theirs) == before
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().visitor_id is not None  # the other resident's


def test_without_personalisation_consent_nothing_links_a_visit_to_the_resident(city, works):
    client = resident(ANALYTICS)
    assert not getattr(client.cookies.get("cityux_vid"), "value", "")
    sid = measured_visit(None)
    survey = make_survey(works, questions=[("yes_no", {"label": "Found it?", "required": False})])
    answer_survey(client, survey)
    assert TrackedSession.objects.get(sid=sid).visitor_id is None
    assert SurveyResponse.objects.get().visitor_id is None


def test_a_privacy_signal_stops_the_link_even_with_the_cookie(city, works):
    client = resident(ANALYTICS, PERSONALIZATION)
    client.defaults["HTTP_SEC_GPC"] = "1"
    survey = make_survey(works, questions=[("yes_no", {"label": "Found it?", "required": False})])
    answer_survey(client, survey)
    assert SurveyResponse.objects.get().visitor_id is None


def test_session_rows_count_each_recording_once_in_a_fixed_number_of_queries(
    city, django_assert_num_queries
):
    import uuid

    from cityux.mydata import DataSubject
    from cityux_analytics.mydata import session_rows

    visitor = str(uuid.uuid4())
    sids = [measured_visit(visitor) for _ in range(3)]
    store_chunk({"v": 1, "sid": sids[0], "seq": 1, "events": [{"type": 3, "data": {"x": 1}}]})
    pipeline.process_closed_sessions(now=timezone.now() + datetime.timedelta(minutes=31))
    # Two signal rows and two chunks on one session: a join of both would double the bytes.
    session = TrackedSession.objects.get(sid=sids[0])
    FrustrationSignal.objects.create(
        session=session, view_id=0, kind="dead_click", selector="#x", occurred_at=timezone.now()
    )
    assert FrustrationSignal.objects.filter(session=session).count() >= 2
    stored = sum(ReplayChunk.objects.filter(session__sid__in=sids).values_list("size", flat=True))

    subject = DataSubject(request=None, visitor_ids=(uuid.UUID(visitor),))
    with django_assert_num_queries(3):
        rows = session_rows(subject)
    assert len(rows) == 3
    assert sum(row["recording_bytes"] for row in rows) == stored
    assert all(row["pages_viewed"] == [PAGE] for row in rows)
