"""Tests that close the gaps mutation testing found in the analytics app (issue 19).

Each test pins a behaviour that a small, plausible change to the code broke without any other
test noticing: a threshold compared with `>` instead of `>=`, a replay shown to the wrong lead,
an endpoint taking requests that name no page of the site, a rate limit per address dropped.
"""

import contextlib
import math
import os
import uuid

import pandas as pd
import pytest

from cityux.models import Department
from cityux_analytics.detectors import (
    DEAD_CLICK,
    ERROR_CLICK,
    EXCESSIVE_SCROLL,
    FORM_ABANDONMENT,
    MOUSE_THRASH,
    QUICK_BACK,
    RAGE_CLICK,
    detect_all,
    detect_error_clicks,
    detect_form_abandonment,
    detect_mouse_thrash,
    detect_quick_backs,
    detect_rage_clicks,
    score_sessions,
)
from cityux_analytics.models import (
    PageView,
    RawEvent,
    ReplayChunk,
    Survey,
    SurveyResponse,
    TrackedSession,
)
from cityux_analytics.replay.views import store_chunk
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import body, new_sid, view
from tests.cityux_analytics.test_detectors import (
    DEFAULTS,
    click,
    clicks_at,
    error,
    events,
    focus,
    move,
    signals_of,
    submit,
)
from tests.cityux_analytics.test_detectors import view as page_view
from tests.cityux_analytics.test_replay import upload

# -- mouse thrash: the thresholds themselves are thrashing -----------------------------------


def test_two_windows_of_exactly_six_direction_changes_are_mouse_thrash():
    rows = [move(1000, direction_changes=6), move(2000, direction_changes=6)]

    signals = detect_mouse_thrash(events(*rows), DEFAULTS)

    assert signals[["ts", "kind", "count"]].to_dict("records") == [
        {"ts": 1000, "kind": MOUSE_THRASH, "count": 2}
    ]


def test_two_windows_of_exactly_400_px_of_travel_are_mouse_thrash():
    rows = [move(1000, distance=400.0), move(2000, distance=400.0)]

    signals = detect_mouse_thrash(events(*rows), DEFAULTS)

    assert signals[["ts", "kind", "count"]].to_dict("records") == [
        {"ts": 1000, "kind": MOUSE_THRASH, "count": 2}
    ]


# -- detectors: weights, details and ties the other tests left open --------------------------


def test_each_kind_of_signal_scores_its_own_weight():
    # round(100 × (1 − e^(−w / 10))): 1 point gives 10, 2 give 18, 3 give 26, 4 give 33.
    kinds = [RAGE_CLICK, DEAD_CLICK, ERROR_CLICK, MOUSE_THRASH, QUICK_BACK, EXCESSIVE_SCROLL]
    kinds.append(FORM_ABANDONMENT)
    sessions = [f"s{i}" for i in range(len(kinds))]
    signals = pd.concat(
        [signals_of(kind, session_id=sid) for kind, sid in zip(kinds, sessions, strict=True)]
    )

    scores = score_sessions(signals, events(*[page_view(0, session_id=sid) for sid in sessions]))

    assert scores["score"].tolist() == [26, 10, 33, 10, 10, 10, 18]


def test_a_quick_back_names_the_page_gone_back_to_not_the_one_before_it():
    rows = [
        page_view(0, "/", view_id=1),
        page_view(5_000, "/permits", view_id=2),
        page_view(10_000, "/permits/parking", view_id=3),
        page_view(11_000, "/permits", view_id=4),
    ]

    signals = detect_quick_backs(events(*rows), DEFAULTS)

    assert signals[["view_id", "detail"]].to_dict("records") == [
        {"view_id": 3, "detail": "/permits"}
    ]


def test_three_fast_clicks_one_of_which_selects_text_are_not_a_rage_click():
    rows = [click(1000), click(1200, reaction="selection"), click(1400)]

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


def test_different_errors_after_one_click_are_listed_by_signature():
    rows = [
        click(0),
        error(10, message="ReferenceError: b is not defined"),
        error(20, message="RangeError: a is out of range"),
    ]

    signals = detect_error_clicks(events(*rows), DEFAULTS)

    assert signals[["detail", "count"]].to_dict("records") == [
        {"detail": "RangeError: a is out of range @ /static/app.js", "count": 1},
        {"detail": "ReferenceError: b is not defined @ /static/app.js", "count": 1},
    ]


def test_a_form_submitted_in_the_same_millisecond_as_its_last_focus_is_not_abandoned():
    rows = [focus(1000), submit(1000)]

    assert detect_form_abandonment(events(*rows), DEFAULTS).empty


def test_detect_all_lists_sessions_in_order_though_a_later_one_is_found_first():
    # Rage clicks are detected before dead clicks; session s1 has only a dead click.
    rows = [
        click(5000, reaction="", reaction_ms=math.nan),
        *clicks_at(1000, 1200, 1400, session_id="s2"),
    ]

    signals = detect_all(events(*rows), DEFAULTS)

    assert signals[["session_id", "kind"]].to_dict("records") == [
        {"session_id": "s1", "kind": DEAD_CLICK},
        {"session_id": "s2", "kind": RAGE_CLICK},
    ]


# -- replay: a lead sees sessions that touched their department's pages, and no others -------

REPLAY_URLS = pytest.mark.urls("tests.cityux_analytics.replay_urls")


def _recorded_session(department, page_departments):
    """A recorded session of `department` with one page view on each of `page_departments`."""
    sid = new_sid()
    store_chunk(upload(sid=sid))
    session = TrackedSession.objects.get(sid=sid)
    session.department = department
    session.save(update_fields=["department"])
    for view_id, page_department in enumerate(page_departments):
        PageView.objects.create(
            session=session,
            view_id=view_id,
            url=f"/{page_department.slug}/",
            department=page_department,
            started_at=session.started_at,
        )
    return session


@REPLAY_URLS
@pytest.mark.parametrize("session_department", ["police", None], ids=["police", "no department"])
def test_a_lead_gets_403_on_a_replay_that_only_viewed_another_departments_pages(
    client, make_lead, city, session_department
):
    police = Department.objects.get(slug="police")
    department = police if session_department else None
    session = _recorded_session(department, [police, police])
    client.force_login(make_lead(Department.objects.get(slug="public-works")))

    player = f"/admin/cityux/replays/{session.pk}/"
    assert client.get(player).status_code == 403
    assert client.get(player + "events.json").status_code == 403


@REPLAY_URLS
def test_the_lead_of_the_viewed_pages_may_play_that_same_replay(client, make_lead, city):
    police = Department.objects.get(slug="police")
    session = _recorded_session(None, [police])
    client.force_login(make_lead(police))

    player = f"/admin/cityux/replays/{session.pk}/"
    assert client.get(player).status_code == 200
    assert client.get(player + "events.json").status_code == 200


# -- collect, replay and survey endpoints: a request must name a page of this site ----------

SAME_SITE_PAGE = "http://testserver/public-works/"


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"Referer": SAME_SITE_PAGE}], ids=["neither", "referer"])
def test_collect_needs_an_origin_or_a_referer_of_this_site(consented_client, headers):
    response = consented_client.post(
        "/cityux/collect/", body([view("/")]), content_type="application/json", headers=headers
    )

    if headers:
        assert response.status_code == 204 and RawEvent.objects.count() == 1
    else:
        assert response.status_code == 403 and "error" in response.json()
        assert not RawEvent.objects.exists() and not TrackedSession.objects.exists()


@REPLAY_URLS
@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"Referer": SAME_SITE_PAGE}], ids=["neither", "referer"])
def test_a_replay_upload_needs_an_origin_or_a_referer_of_this_site(consented_client, headers):
    response = consented_client.post(
        "/cityux/replay/", upload(), content_type="application/json", headers=headers
    )

    if headers:
        assert response.status_code == 204 and ReplayChunk.objects.count() == 1
    else:
        assert response.status_code == 403 and "error" in response.json()
        assert not ReplayChunk.objects.exists() and not TrackedSession.objects.exists()


@pytest.fixture
def open_survey(city):
    """A live one-question survey shown on every page under /works/."""
    survey = Survey(
        title="Was this page useful?",
        department=Department.objects.get(slug="public-works"),
        questions=[("rating", {"label": "How easy was this page to use?", "required": True})],
        url_patterns="/works/*",
        live=False,
    )
    survey.save()
    survey.save_revision().publish()
    survey.refresh_from_db()
    return survey


def _survey_post(client, survey, endpoint, headers):
    rating = survey.questions[0].id
    data = {
        "revision": survey.live_revision_id,
        "path": "/works/pothole/",
        "answers": {rating: 4},
        "hp": "",
        "elapsed_ms": 8000,
    }
    if endpoint == "shown":
        data = {"revision": survey.live_revision_id, "path": "/works/pothole/"}
    return client.post(
        f"/cityux/surveys/{survey.pk}/{endpoint}/",
        data,
        content_type="application/json",
        headers=headers,
    )


SURVEY_URLS = pytest.mark.urls("tests.cityux_analytics.survey_urls")


@SURVEY_URLS
def test_survey_answers_without_origin_or_referer_are_refused(client, open_survey):
    response = _survey_post(client, open_survey, "responses", {})

    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


@SURVEY_URLS
def test_survey_answers_with_a_referer_of_this_site_are_taken(client, open_survey):
    response = _survey_post(client, open_survey, "responses", {"Referer": SAME_SITE_PAGE})

    assert response.status_code == 201
    assert SurveyResponse.objects.count() == 1


@SURVEY_URLS
@pytest.mark.parametrize("headers", [{}, {"Referer": SAME_SITE_PAGE}], ids=["neither", "referer"])
def test_a_survey_showing_needs_an_origin_or_a_referer_of_this_site(client, open_survey, headers):
    response = _survey_post(client, open_survey, "shown", headers)

    assert response.status_code == (204 if headers else 403)


# -- collect: the limit per address holds whatever session ids the batches carry -------------


@contextlib.contextmanager
def _counted_per_process():
    yield


@contextlib.contextmanager
def _counted_in_redis():
    """The real Redis broker, on a queue (and so rate-limit keys) of this test's own."""
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    queue = f"cityux-test-{uuid.uuid4().hex[:10]}"
    try:
        with celery_broker(url, queue=queue):
            yield
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"cityux:analytics:collect:{queue}*"):
            client.delete(key)


def _post_from(client, address, sid):
    return client.post(
        "/cityux/collect/",
        body([view("/")], sid=sid),
        content_type="application/json",
        headers={"Origin": "http://testserver"},
        REMOTE_ADDR=address,
    ).status_code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "counting", [_counted_per_process, _counted_in_redis], ids=["per process", "in Redis"]
)
def test_one_address_sending_new_session_ids_gets_429_at_the_address_limit(
    consented_client, settings, counting
):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 100, "ip": 3}}
    with counting():
        codes = [_post_from(consented_client, "203.0.113.7", new_sid()) for _ in range(5)]
        other_address = _post_from(consented_client, "198.51.100.9", new_sid())

    assert codes == [204, 204, 204, 429, 429]
    assert other_address == 204
