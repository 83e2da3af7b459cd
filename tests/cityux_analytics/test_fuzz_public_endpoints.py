"""Fuzz of the analytics endpoints anyone can call: collect, replay upload, survey answers.

For every hostile body: never a 5xx, an error is JSON with a message, and a refused request
stores nothing.
"""

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cityux.models import Department
from cityux_analytics.models import PageView, RawEvent, SpooledBatch, TrackedSession
from cityux_analytics.replay.models import ReplayChunk
from cityux_analytics.surveys.models import SurveyResponse
from tests.cityux_analytics.factories import T0, batch, new_sid, view
from tests.cityux_analytics.test_survey_api import POTHOLE_PATH, make_survey, qid
from tests.hostile import DEEP_ARRAY, DEEP_OBJECT, content_types, hostile_json

ORIGIN = {"Origin": "http://testserver"}
fuzz = hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 10**9, "ip": 10**9}}
    settings.CITYUX_SURVEYS = {
        "RATE_LIMITS": {"ip": 10**9, "survey": 10**9, "shown_ip": 10**9},
        "MIN_ELAPSED_MS": 0,
    }


@pytest.fixture
def survey(city):
    return make_survey(Department.objects.get(slug="public-works"))


def stored():
    models = (TrackedSession, PageView, RawEvent, SpooledBatch, ReplayChunk, SurveyResponse)
    return [model.objects.count() for model in models]


def post(client, url, body, content_type="application/json"):
    return client.generic("POST", url, body, content_type=content_type, headers=ORIGIN)


def assert_refused_cleanly(response, before):
    """Never a 5xx; an error is JSON that says what is wrong; a refused body stores nothing."""
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json"
        assert isinstance(response.json()["error"], str) and response.json()["error"]
        assert stored() == before


def valid_batch():
    return batch([view("/")], sid=new_sid())


def valid_upload():
    return {"v": 1, "sid": new_sid(), "seq": 0, "events": [{"type": 4, "timestamp": T0}]}


def valid_answer(survey):
    return {
        "revision": survey.live_revision_id, "path": POTHOLE_PATH, "hp": "",
        "elapsed_ms": 9000, "answers": {qid(survey, "rating"): 4},
    }  # fmt: skip


@fuzz
@given(data=st.data())
def test_collect_never_fails_on_a_hostile_batch(consented_client, data):
    body = data.draw(hostile_json(valid_batch()))
    before = stored()
    response = post(consented_client, "/cityux/collect/", body, data.draw(content_types))
    assert_refused_cleanly(response, before)


@fuzz
@given(data=st.data())
def test_replay_upload_never_fails_on_a_hostile_upload(consented_client, data):
    body = data.draw(hostile_json(valid_upload()))
    before = stored()
    response = post(consented_client, "/cityux/replay/", body, data.draw(content_types))
    assert_refused_cleanly(response, before)


@fuzz
@given(data=st.data())
def test_replay_events_never_fail_on_a_hostile_event(consented_client, data):
    event = {"type": 4, "timestamp": T0, "data": {"href": "/"}}
    upload = valid_upload()
    raw = data.draw(hostile_json(event)).decode(errors="replace")
    body = json.dumps({**upload, "events": "__events__"}).replace('"__events__"', f"[{raw}]")
    before = stored()
    assert_refused_cleanly(post(consented_client, "/cityux/replay/", body.encode()), before)


@fuzz
@given(data=st.data())
def test_survey_answers_never_fail_on_a_hostile_body(consented_client, survey, data):
    body = data.draw(hostile_json(valid_answer(survey)))
    before = stored()
    url = f"/cityux/surveys/{survey.pk}/responses/"
    assert_refused_cleanly(post(consented_client, url, body, data.draw(content_types)), before)


@fuzz
@given(data=st.data())
def test_survey_answer_values_never_fail(consented_client, survey, data):
    answers = {qid(survey, "rating"): 4, qid(survey, "short_text"): "ok"}
    raw = data.draw(hostile_json(answers, extra_keys=("nope",))).decode(errors="replace")
    body = json.dumps({**valid_answer(survey), "answers": "__a__"}).replace('"__a__"', raw)
    before = stored()
    url = f"/cityux/surveys/{survey.pk}/responses/"
    assert_refused_cleanly(post(consented_client, url, body.encode()), before)


# -- the errors name the field ----------------------------------------------------------------


@pytest.mark.parametrize("nesting", [DEEP_ARRAY, DEEP_OBJECT])
def test_a_deeply_nested_replay_event_is_a_json_400(consented_client, nesting):
    body = json.dumps(valid_upload()).replace('"timestamp"', f'"data": {nesting}, "timestamp"')
    response = post(consented_client, "/cityux/replay/", body.encode())
    assert response.status_code == 400 and "nested too deeply" in response.json()["error"]
    assert stored() == [0] * 6


@pytest.mark.parametrize(
    "key, value",
    [("v", '"1"'), ("sid", "7"), ("seq", "9" * 5000), ("events", "{}"), ("seq", "1e999")],
)
def test_a_wrong_replay_field_is_named(consented_client, key, value):
    body = json.dumps({**valid_upload(), key: "__x__"}).replace('"__x__"', value)
    response = post(consented_client, "/cityux/replay/", body.encode())
    assert response.status_code == 400 and response.json()["error"].startswith(f"{key}:")


@pytest.mark.parametrize(
    "key, value", [("revision", '"3"'), ("elapsed_ms", "1e999"), ("answers", "[]"), ("hp", "1")]
)
def test_a_wrong_survey_field_is_named(consented_client, survey, key, value):
    body = json.dumps({**valid_answer(survey), key: "__x__"}).replace('"__x__"', value)
    response = post(consented_client, f"/cityux/surveys/{survey.pk}/responses/", body.encode())
    assert response.status_code == 400 and key in response.json()["error"]
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("nesting", [DEEP_ARRAY, DEEP_OBJECT])
def test_a_deeply_nested_answer_is_a_json_400(consented_client, survey, nesting):
    answers = json.dumps({qid(survey, "rating"): "__x__"}).replace('"__x__"', nesting)
    body = json.dumps({**valid_answer(survey), "answers": "__a__"}).replace('"__a__"', answers)
    response = post(consented_client, f"/cityux/surveys/{survey.pk}/responses/", body.encode())
    assert response.status_code == 400 and response.json()["error"]
    assert not SurveyResponse.objects.exists()
