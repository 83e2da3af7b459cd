"""Deletion is final: late data of a deleted visitor or session is dropped wherever it arrives."""

import json
import uuid

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cityux import tombstones
from cityux.consent import ANALYTICS, PERSONALIZATION
from cityux.models import Tombstone
from cityux_analytics.ingest import from_ms, ingest_batch
from cityux_analytics.models import RawEvent, ReplayChunk, SurveyResponse, TrackedSession
from cityux_analytics.retention import purge_expired as purge_analytics
from cityux_analytics.schema import batch_payload, parse_batch
from cityux_personalize import mydata, profiles
from cityux_personalize.conf import VISITOR_COOKIE
from cityux_personalize.models import Conversion, FormDraft, Goal, VisitorProfile
from tests.cityux_analytics import test_survey_api as survey_api
from tests.cityux_analytics.factories import T0, body, click, new_sid, view
from tests.cityux_analytics.test_replay import upload
from tests.cityux_analytics.test_survey_api import answer, make_survey, qid
from tests.cityux_personalize.test_resume import build_form_page
from tests.cityux_personalize.test_resume import save as save_draft

pytestmark = pytest.mark.django_db
PROFILE_MIDDLEWARE = "cityux_personalize.middleware.VisitorProfileMiddleware"
ORIGIN = {"Origin": "http://testserver"}
# The survey tests' departments and pages.
works, parks, pages = survey_api.works, survey_api.parks, survey_api.pages


@pytest.fixture
def consenting_client(client, city):
    """A resident who accepted analytics and personalisation, with a visitor cookie."""
    client.post("/cityux/cookies/", {"action": "save", "groups": [ANALYTICS, PERSONALIZATION]})
    return client


def payload(sid, visitor=None, seq=0):
    return batch_payload(parse_batch(body([view("/"), click(T0 + 5)], sid=sid, seq=seq)), visitor)


def linked_session(visitor_id):
    """A tracked session of `visitor_id` with one stored batch, as ingest stores it."""
    sid = new_sid()
    assert ingest_batch(payload(sid, str(visitor_id))) == "stored"
    return TrackedSession.objects.get(sid=sid)


def delete_my_data(visitor_id):
    """What the My data page's delete does, for the profile of `visitor_id`."""
    profile = VisitorProfile.objects.create(
        visitor_id=visitor_id, first_seen="2026-01-01T00:00Z", last_seen="2026-01-01T00:00Z"
    )
    request = RequestFactory().get("/")
    subject = mydata.DataSubject(request, (profile.pk,), (visitor_id,), None)
    return mydata.delete_all(subject)


# -- the hash ---------------------------------------------------------------------------------


def test_a_tombstone_holds_a_keyed_hash_and_never_the_id():
    visitor_id, sid = uuid.uuid4(), new_sid()
    tombstones.forget(visitor_id, [sid])
    stored = " ".join(Tombstone.objects.values_list("digest", flat=True))
    assert Tombstone.objects.count() == 2
    assert str(visitor_id) not in stored and visitor_id.hex not in stored and sid not in stored


def test_the_hash_depends_on_the_secret_key(settings):
    before = tombstones.digest("session", "abc")
    settings.SECRET_KEY = "another-secret"
    assert tombstones.digest("session", "abc") != before


def test_only_the_forgotten_ids_are_forgotten():
    visitor_id, sid = uuid.uuid4(), new_sid()
    tombstones.forget(visitor_id, [sid])
    assert tombstones.is_forgotten(sid=sid)
    assert tombstones.is_forgotten(visitor_id=str(visitor_id).upper())
    assert not tombstones.is_forgotten(sid=new_sid(), visitor_id=uuid.uuid4())
    assert not tombstones.is_forgotten()


def test_forgetting_twice_keeps_one_tombstone():
    sid = new_sid()
    tombstones.forget(None, [sid])
    tombstones.forget(None, [sid])
    assert Tombstone.objects.count() == 1


# -- deleting leaves tombstones ---------------------------------------------------------------


def test_deleting_my_data_tombstones_the_visitor_and_every_session_it_had(city):
    visitor_id = uuid.uuid4()
    sids = [linked_session(visitor_id).sid for _ in range(2)]
    delete_my_data(visitor_id)
    assert not TrackedSession.objects.exists()
    assert tombstones.is_forgotten(visitor_id=visitor_id)
    assert all(tombstones.is_forgotten(sid=sid) for sid in sids)


def test_the_retention_purge_tombstones_the_linked_sessions_it_deletes(city):
    linked = linked_session(uuid.uuid4())
    anonymous_sid = new_sid()
    ingest_batch(payload(anonymous_sid))
    purge_analytics(days=1)  # the batches date from 2026-09-22
    assert not TrackedSession.objects.exists()
    assert tombstones.is_forgotten(sid=linked.sid)
    assert not tombstones.is_forgotten(sid=anonymous_sid)


# -- late data is dropped on arrival ------------------------------------------------------------


def test_a_late_batch_at_collect_gets_410_and_stores_nothing(consenting_client):
    sid = new_sid()
    tombstones.forget(None, [sid])
    response = consenting_client.post(
        "/cityux/collect/", body([view("/")], sid=sid), content_type="application/json",
        headers=ORIGIN,
    )  # fmt: skip
    assert response.status_code == 410 and "error" in response.json()
    assert not TrackedSession.objects.exists() and not RawEvent.objects.exists()


def test_a_flood_of_a_deleted_session_is_refused_by_the_rate_limit_before_any_lookup(
    consenting_client, settings
):
    """The tombstone lookup is a database query: it comes after the rate limits, so batches
    over the limit never reach the database."""
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 1, "ip": 100}}
    sid = new_sid()
    tombstones.forget(None, [sid])
    post = lambda seq: consenting_client.post(  # noqa: E731
        "/cityux/collect/", body([view("/")], sid=sid, seq=seq),
        content_type="application/json", headers=ORIGIN,
    )  # fmt: skip
    assert post(0).status_code == 410
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert post(1).status_code == 429
    assert not [q for q in queries.captured_queries if Tombstone._meta.db_table in q["sql"]]
    assert not TrackedSession.objects.exists() and not RawEvent.objects.exists()


def test_a_batch_of_another_session_is_still_taken_at_collect(consenting_client):
    tombstones.forget(None, [new_sid()])
    response = consenting_client.post(
        "/cityux/collect/", body([view("/")]), content_type="application/json", headers=ORIGIN
    )
    assert response.status_code == 204
    assert TrackedSession.objects.count() == 1


@pytest.mark.urls("tests.cityux_analytics.replay_urls")
def test_a_late_replay_chunk_gets_410_and_stores_nothing(consenting_client):
    sid = new_sid()
    tombstones.forget(None, [sid])
    response = consenting_client.post(
        "/cityux/replay/", json.dumps(upload(sid=sid)), content_type="application/json",
        headers=ORIGIN,
    )  # fmt: skip
    assert response.status_code == 410
    assert not ReplayChunk.objects.exists() and not TrackedSession.objects.exists()


@pytest.mark.urls("tests.cityux_analytics.replay_urls")
def test_a_replay_chunk_sent_with_a_deleted_visitors_cookie_gets_410(consenting_client):
    visitor_id = uuid.uuid4()
    consenting_client.cookies[VISITOR_COOKIE] = str(visitor_id)
    tombstones.forget(visitor_id)
    response = consenting_client.post(
        "/cityux/replay/", json.dumps(upload()), content_type="application/json", headers=ORIGIN
    )
    assert response.status_code == 410
    assert not ReplayChunk.objects.exists()


@pytest.mark.urls("tests.cityux_analytics.survey_urls")
def test_a_late_survey_answer_of_a_deleted_session_is_not_stored(client, works, pages):
    survey = make_survey(works, target_pages=[pages["pothole"]])
    sid = new_sid()
    tombstones.forget(None, [sid])
    response = answer(client, survey, {qid(survey, "rating"): 2}, sid=sid)
    assert response.status_code == 201
    assert not SurveyResponse.objects.exists()


@pytest.mark.urls("tests.cityux_analytics.survey_urls")
def test_a_survey_answer_of_another_session_is_stored(client, works, pages):
    survey = make_survey(works, target_pages=[pages["pothole"]])
    tombstones.forget(None, [new_sid()])
    assert answer(client, survey, {qid(survey, "rating"): 2}, sid=new_sid()).status_code == 201
    assert SurveyResponse.objects.count() == 1


# -- late data is dropped at ingest -------------------------------------------------------------


def test_ingest_drops_a_batch_of_a_deleted_session(city):
    sid = new_sid()
    tombstones.forget(None, [sid])
    assert ingest_batch(payload(sid)) == "forgotten"
    assert not TrackedSession.objects.exists() and not RawEvent.objects.exists()


def test_ingest_drops_a_batch_that_names_a_deleted_visitor(city):
    visitor_id = uuid.uuid4()
    tombstones.forget(visitor_id)
    assert ingest_batch(payload(new_sid(), str(visitor_id))) == "forgotten"
    assert not TrackedSession.objects.exists()


def test_a_batch_queued_before_the_deletion_is_dropped_when_it_is_ingested(city):
    visitor_id = uuid.uuid4()
    session = linked_session(visitor_id)
    late = payload(session.sid, str(visitor_id), seq=1)  # waiting in the queue
    delete_my_data(visitor_id)
    assert ingest_batch(late) == "forgotten"
    assert not TrackedSession.objects.exists() and not RawEvent.objects.exists()


def test_the_daily_purge_sweeps_away_a_session_that_slipped_past_the_checks(city):
    # A batch whose ingest checked just before the deletion committed, and stored just after.
    visitor_id = uuid.uuid4()
    slipped, kept = linked_session(visitor_id), linked_session(uuid.uuid4())
    tombstones.forget(visitor_id, [slipped.sid])
    purge_analytics(now=from_ms(T0 + 86_400_000))
    assert list(TrackedSession.objects.values_list("sid", flat=True)) == [kept.sid]
    assert not RawEvent.objects.filter(session=slipped.pk).exists()


# -- profile writes -------------------------------------------------------------------------------


def test_a_profile_write_of_a_request_that_began_before_the_deletion_is_dropped(
    consenting_client, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, PROFILE_MIDDLEWARE]
    consenting_client.get("/")  # the middleware creates the profile
    visitor_id = consenting_client.cookies[VISITOR_COOKIE].value
    request = RequestFactory().get("/")
    request.COOKIES = {VISITOR_COOKIE: visitor_id}
    request._cityux_profile_state = profiles._load_state(visitor_id)  # read before deleting
    delete_my_data_of(visitor_id)
    profiles.finish_request(request, HttpResponse())
    assert not VisitorProfile.objects.exists()
    assert profiles._load_state(visitor_id)["pk"] is None  # nothing cached brings it back


def test_a_draft_sent_before_the_deletion_arrives_after_it_and_is_not_kept(
    consenting_client, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, PROFILE_MIDDLEWARE]
    page = build_form_page()
    consenting_client.get(page.url)
    visitor_id = consenting_client.cookies[VISITOR_COOKIE].value
    delete_my_data_of(visitor_id)
    # The browser still sends the old cookie: the request left before the deletion's response.
    response = save_draft(consenting_client, page, {"Business name": "Quillwort Bakery"})
    assert response.status_code == 403
    assert not VisitorProfile.objects.exists() and not FormDraft.objects.exists()
    assert response.cookies[VISITOR_COOKIE].value == ""  # the stale cookie goes


def delete_my_data_of(visitor_id):
    profile = VisitorProfile.objects.get(visitor_id=visitor_id)
    subject = mydata.DataSubject(RequestFactory().get("/"), (profile.pk,), (profile.visitor_id,))
    mydata.delete_all(subject)


def test_a_conversion_of_a_deleted_visitor_is_not_recorded(city):
    from cityux_personalize.goals import record_conversions

    goal = Goal.objects.create(name="Sent the form", kind="form_submitted")
    visitor_id = uuid.uuid4()
    tombstones.forget(visitor_id)
    assert record_conversions(visitor_id, [goal.pk]) == 0
    assert not Conversion.objects.exists()
