"""With the database locked or Redis down, public endpoints answer 503 with Retry-After.

The database is really locked (SQLite: BEGIN EXCLUSIVE from another connection; PostgreSQL:
LOCK TABLE from another connection) and Redis really unreachable (a closed port): nothing of
our own code is replaced.
"""

import contextlib
import json
import sqlite3

import pytest
from django.db import connection
from django.test import Client

from cityux.consent import ANALYTICS, PERSONALIZATION
from cityux.models import Department
from cityux_analytics.models import SpooledBatch, TrackedSession
from cityux_analytics.replay.models import ReplayChunk
from cityux_analytics.surveys.models import SurveyResponse
from cityux_personalize.models import FormDraft
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, body, new_sid, view
from tests.cityux_analytics.test_survey_api import POTHOLE_PATH, make_survey, qid
from tests.cityux_personalize.conftest import choose
from tests.cityux_personalize.test_resume import build_form_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ORIGIN = {"Origin": "http://testserver"}
CLOSED_PORT = "redis://127.0.0.1:1/0"


@contextlib.contextmanager
def locked_database():
    """Hold the whole test database locked from another connection for the duration."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        other = sqlite3.connect(db["NAME"], isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    import psycopg

    tables = ", ".join(f'"{name}"' for name in connection.introspection.table_names())
    other = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or "localhost", port=db["PORT"] or 5432,
    )  # fmt: skip
    try:
        other.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()


@pytest.fixture
def resident(city, settings):
    """A browser that accepted analytics and personalisation, with short lock waits."""
    settings.CITYUX_LOCK_WAIT_SECONDS = 0.3
    settings.CITYUX_RETRY_AFTER_SECONDS = 17
    settings.CITYUX_SURVEYS = {"MIN_ELAPSED_MS": 0}
    return choose(Client(), ANALYTICS, PERSONALIZATION)


def stored():
    return [
        model.objects.count()
        for model in (TrackedSession, SpooledBatch, ReplayChunk, SurveyResponse, FormDraft)
    ]


def collect(client):
    sid = new_sid()
    return client.post(
        "/cityux/collect/", body([view("/")], sid=sid), content_type="application/json",
        headers=ORIGIN,
    )  # fmt: skip


def replay(client):
    upload = {"v": 1, "sid": new_sid(), "seq": 0, "events": [{"type": 4, "timestamp": T0}]}
    return client.post(
        "/cityux/replay/", json.dumps(upload), content_type="application/json", headers=ORIGIN
    )


def survey_answer(client):
    survey = client.survey
    data = {
        "revision": survey.live_revision_id, "path": POTHOLE_PATH, "hp": "", "elapsed_ms": 9000,
        "answers": {qid(survey, "rating"): 4},
    }  # fmt: skip
    return client.post(
        f"/cityux/surveys/{survey.pk}/responses/", json.dumps(data),
        content_type="application/json", headers=ORIGIN,
    )  # fmt: skip


def draft(client):
    return client.post(
        f"/cityux/resume/drafts/{client.form_page.pk}/",
        json.dumps({"fields": {"business_name": "Bakery"}}),
        content_type="application/json",
    )


def resume_code(client):
    return client.post("/cityux/resume/", {"code": "AAAA-AAAA"}, headers={"Accept": "text/html"})


def my_data(client):
    return client.get("/cityux/my-data/", headers={"Accept": "text/html"})


def cookie_choice(client):
    return client.post(
        "/cityux/cookies/", {"action": "accept_all"}, headers={"X-Requested-With": "fetch"}
    )


ENDPOINTS = [collect, replay, survey_answer, draft, resume_code, my_data, cookie_choice]


@pytest.fixture
def ready(resident):
    """The resident, a survey and a form page to post to."""
    resident.survey = make_survey(Department.objects.get(slug="public-works"))
    resident.form_page = build_form_page()
    resident.get(resident.form_page.url)  # the visitor's profile
    return resident


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.__name__)
def test_with_the_database_locked_a_public_endpoint_answers_503_retry_after(ready, endpoint):
    before = stored()
    with locked_database():
        response = endpoint(ready)
    assert response.status_code == 503
    assert response["Retry-After"] == "17"
    assert stored() == before


@pytest.mark.parametrize("endpoint", [collect, replay, survey_answer, draft])
def test_a_json_endpoint_says_why_in_json_and_works_again_once_the_lock_is_gone(ready, endpoint):
    with locked_database():
        refused = endpoint(ready)
    assert "try again" in refused.json()["error"]
    assert endpoint(ready).status_code in (200, 201, 204)


def test_a_browser_form_gets_a_page_that_says_to_try_again(ready):
    with locked_database():
        response = resume_code(ready)
    assert response["Content-Type"].startswith("text/html")
    assert "try again" in response.content.decode()


def current_lock_wait():
    with connection.cursor() as cursor:
        cursor.execute(
            "PRAGMA busy_timeout" if connection.vendor == "sqlite" else "SHOW lock_timeout"
        )
        return cursor.fetchone()[0]


def test_the_lock_wait_is_restored_after_the_request(ready):
    before = current_lock_wait()
    assert replay(ready).status_code == 204
    assert current_lock_wait() == before


@pytest.mark.parametrize(
    "endpoint, accepted",
    [(collect, 204), (replay, 204), (survey_answer, 201), (draft, 200)],
    ids=["collect", "replay", "survey_answer", "draft"],
)
def test_with_the_redis_broker_down_the_endpoints_fall_back_and_store(ready, endpoint, accepted):
    """Redis down is not a 503: batches are spooled and limits counted per process."""
    before = sum(stored())
    with celery_broker(CLOSED_PORT):
        assert endpoint(ready).status_code == accepted
    assert sum(stored()) > before


def test_with_the_redis_broker_down_the_resume_lockout_still_holds(ready, settings):
    settings.CITYUX_PERSONALIZE = {"RESUME_MAX_FAILURES": 2}
    with celery_broker(CLOSED_PORT):
        answers = [resume_code(ready).content.decode() for _ in range(3)]
    assert ["not right" in text for text in answers] == [True, True, False]
    assert "Too many wrong codes" in answers[2]
