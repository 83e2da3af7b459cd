"""The survey endpoints, the stored answers and the survey snippet in the admin."""

import json
import logging

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cityux.departments import forget_owned_paths
from cityux.models import Department, DepartmentRootPage
from cityux_analytics.models import (
    Survey,
    SurveyDailyStats,
    SurveyPageTarget,
    SurveyResponse,
    TrackedSession,
)
from tests.cityux_analytics.factories import new_sid

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cityux_analytics.survey_urls")]

ORIGIN = {"Origin": "http://testserver"}
POTHOLE_PATH = "/works/pothole/"

QUESTIONS = [
    ("rating", {"label": "How easy was this page to use?", "required": True}),
    ("yes_no", {"label": "Did you find what you needed?", "required": False}),
    (
        "single_choice",
        {"label": "What brought you here?", "choices": ["Pay a bill", "Report a pothole"]},
    ),
    ("short_text", {"label": "What went wrong?", "max_length": 200, "help": "No names, please."}),
]


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def parks(city):
    return Department.objects.get(slug="parks-recreation")


@pytest.fixture
def pages(works, parks):
    """/works/ (owned by Public Works) with /works/pothole/, and /parks/ (Parks)."""
    home = Site.objects.get(is_default_site=True).root_page
    works_section = home.add_child(instance=Page(title="Streets", slug="works"))
    pothole = works_section.add_child(instance=Page(title="Report a pothole", slug="pothole"))
    parks_section = home.add_child(instance=Page(title="Parks", slug="parks"))
    DepartmentRootPage.objects.create(department=works, page=works_section)
    DepartmentRootPage.objects.create(department=parks, page=parks_section)
    forget_owned_paths()
    return {"works": works_section, "pothole": pothole, "parks": parks_section}


def make_survey(
    department,
    title="Was this page useful?",
    publish=True,
    questions=None,
    target_pages=(),
    target_departments=(),
    **fields,
):
    """A survey saved as a draft, then published (as the admin does) unless `publish` is off.

    `target_pages` holds pages, or (page, include descendants) pairs.
    """
    survey = Survey(
        title=title, department=department, questions=questions or QUESTIONS, live=False, **fields
    )
    survey.page_targets = [
        SurveyPageTarget(page=page, include_descendants=descendants)
        for page, descendants in (
            target if isinstance(target, tuple) else (target, True) for target in target_pages
        )
    ]
    survey.target_departments = list(target_departments)
    survey.save()
    if publish:
        survey.save_revision().publish()
    survey.refresh_from_db()
    return survey


@pytest.fixture
def pothole_survey(works, pages):
    return make_survey(works, target_pages=[pages["pothole"]])


def qid(survey, kind):
    return next(child.id for child in survey.questions if child.block_type == kind)


def active(client, path=POTHOLE_PATH):
    response = client.get(reverse("cityux_analytics:surveys:active"), {"path": path})
    assert response.status_code == 200
    return response.json()


def post(client, survey, endpoint, data, **headers):
    body = data if isinstance(data, (bytes, str)) else json.dumps(data)
    return client.post(
        reverse(f"cityux_analytics:surveys:{endpoint}", args=[survey.pk]),
        body,
        content_type="application/json",
        headers={**ORIGIN, **headers},
    )


def answer(client, survey, answers, **extra):
    data = {
        "revision": survey.live_revision_id,
        "path": POTHOLE_PATH,
        "answers": answers,
        "hp": "",
        "elapsed_ms": 8000,
        **extra,
    }
    return post(client, survey, "responses", data)


# Which surveys a page gets


def test_a_targeted_page_gets_its_live_survey_with_every_question(client, pothole_survey):
    surveys = active(client)["surveys"]
    assert [s["id"] for s in surveys] == [pothole_survey.pk]
    served = surveys[0]
    assert served["revision"] == pothole_survey.live_revision_id
    assert served["trigger"] == {"type": "seconds", "value": 10}
    assert [q["type"] for q in served["questions"]] == ["rating", "yes_no", "choice", "text"]
    rating, yes_no, choice, text = served["questions"]
    assert rating == {
        "id": qid(pothole_survey, "rating"),
        "type": "rating",
        "label": "How easy was this page to use?",
        "required": True,
    }
    assert choice["choices"] == ["Pay a bill", "Report a pothole"]
    assert text["max_length"] == 200


def test_the_survey_carries_its_trigger_sampling_cap_and_thanks(client, works, pages):
    make_survey(
        works,
        target_pages=[pages["works"]],
        trigger="scroll_depth",
        trigger_value=60,
        sample_rate=25,
        frequency_cap_days=7,
    )
    served = active(client)["surveys"][0]
    assert served["trigger"] == {"type": "scroll_depth", "value": 60}
    assert (served["sample_rate"], served["cap_days"], served["language"]) == (25, 7, "en")
    assert served["thank_you"] == "Thank you for your feedback."


def test_the_active_list_may_be_cached_privately_for_a_minute(client, pothole_survey):
    response = client.get(reverse("cityux_analytics:surveys:active"), {"path": POTHOLE_PATH})
    assert "private" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


def test_a_page_that_is_not_targeted_gets_no_survey(client, pothole_survey):
    assert active(client, "/parks/") == {"surveys": [], "report_problem": None}
    assert active(client, "/no/such/page/")["surveys"] == []


def test_a_page_below_a_target_without_descendants_gets_no_survey(client, works, pages):
    make_survey(works, target_pages=[(pages["works"], False)])
    assert active(client, "/works/")["surveys"]
    assert active(client, POTHOLE_PATH)["surveys"] == []


def test_a_department_target_reaches_every_page_of_that_department(client, works, parks, pages):
    survey = make_survey(works, target_departments=[parks])
    assert [s["id"] for s in active(client, "/parks/")["surveys"]] == [survey.pk]
    assert active(client, POTHOLE_PATH)["surveys"] == []


def test_a_url_pattern_targets_paths_with_or_without_a_page(client, works, pages):
    make_survey(works, url_patterns="/parks/*\n/campaign/*")
    assert active(client, "/parks/")["surveys"]
    assert active(client, "/campaign/spring/")["surveys"]
    assert active(client, POTHOLE_PATH)["surveys"] == []


def test_a_survey_without_targets_shows_on_its_departments_pages(client, works, pages):
    make_survey(works)
    assert active(client, POTHOLE_PATH)["surveys"]
    assert active(client, "/parks/")["surveys"] == []


def test_a_survey_never_published_is_not_served(client, works, pages):
    make_survey(works, publish=False)
    assert active(client)["surveys"] == []


def test_an_unpublished_survey_is_not_served(client, pothole_survey):
    pothole_survey.unpublish()
    assert active(client)["surveys"] == []


def test_a_draft_change_is_not_served_until_it_is_published(client, pothole_survey):
    published_revision = pothole_survey.live_revision_id
    editing = Survey.objects.get(pk=pothole_survey.pk)
    editing.title = "Tell us about potholes"
    draft = editing.save_revision()  # what the admin's "Save draft" does to a live survey

    served = active(client)["surveys"][0]
    assert (served["title"], served["revision"]) == ("Was this page useful?", published_revision)

    draft.publish()
    served = active(client)["surveys"][0]
    assert (served["title"], served["revision"]) == ("Tell us about potholes", draft.pk)


def test_surveys_are_served_only_between_their_dates(client, works, pages):
    from django.utils import timezone

    now = timezone.now()
    make_survey(works, title="Future", starts_at=now + timezone.timedelta(days=1))
    make_survey(works, title="Over", ends_at=now - timezone.timedelta(seconds=1))
    make_survey(works, title="Running", starts_at=now - timezone.timedelta(days=1))
    assert [s["title"] for s in active(client)["surveys"]] == ["Running"]


def test_a_page_gets_at_most_three_surveys(client, works, pages):
    for number in range(5):
        make_survey(works, title=f"Survey {number}")
    assert len(active(client)["surveys"]) == 3


def report_problem_survey(department, **fields):
    return make_survey(
        department,
        title=f"Report a problem ({department.slug})",
        questions=[("short_text", {"label": "What went wrong?", "max_length": 500, "help": ""})],
        trigger="manual",
        is_report_problem=True,
        **fields,
    )


def test_report_a_problem_uses_the_pages_department_survey(client, works, parks, pages):
    own = report_problem_survey(works)
    report_problem_survey(Department.objects.get(slug="city-manager"), is_city_wide_fallback=True)
    served = active(client)
    assert served["report_problem"]["id"] == own.pk
    assert served["report_problem"]["trigger"] == {"type": "manual", "value": None}
    assert served["surveys"] == []


def test_report_a_problem_falls_back_to_the_city_wide_survey(client, works, pages):
    report_problem_survey(works)
    fallback = report_problem_survey(
        Department.objects.get(slug="city-manager"), is_city_wide_fallback=True
    )
    assert active(client, "/parks/")["report_problem"]["id"] == fallback.pk
    assert active(client, "/no/page/here/")["report_problem"]["id"] == fallback.pk


@pytest.mark.parametrize("path", ["", "works/", "//evil.example/", "/a\x00b/", "/" + "a" * 2048])
def test_the_active_list_refuses_what_is_not_a_url_path(client, pages, path):
    response = client.get(reverse("cityux_analytics:surveys:active"), {"path": path})
    assert response.status_code == 400 and "path" in response.json()["error"]


# Shown


def test_each_showing_is_counted_per_page_and_day(client, works, pothole_survey):
    for _ in range(2):
        data = {"revision": pothole_survey.live_revision_id, "path": POTHOLE_PATH}
        assert post(client, pothole_survey, "shown", data).status_code == 204
    stats = SurveyDailyStats.objects.get()
    assert (stats.url, stats.department, stats.shown, stats.answered) == (
        POTHOLE_PATH, works, 2, 0,
    )  # fmt: skip


def test_shown_for_a_closed_survey_is_404(client, pothole_survey):
    pothole_survey.unpublish()
    response = post(client, pothole_survey, "shown", {"revision": None, "path": POTHOLE_PATH})
    assert response.status_code == 404
    assert not SurveyDailyStats.objects.exists()


# Responses


def test_a_valid_response_is_stored_with_its_version_page_and_department(
    client, works, pages, pothole_survey
):
    answers = {
        qid(pothole_survey, "rating"): 2,
        qid(pothole_survey, "yes_no"): "no",
        qid(pothole_survey, "single_choice"): "Report a pothole",
    }
    response = answer(client, pothole_survey, answers)
    assert response.status_code == 201
    assert response.json() == {"ok": True, "thank_you": "Thank you for your feedback."}
    stored = SurveyResponse.objects.get()
    assert stored.revision_id == pothole_survey.live_revision_id
    assert (stored.page_id, stored.department, stored.url) == (
        pages["pothole"].pk, works, POTHOLE_PATH,
    )  # fmt: skip
    assert stored.answers == answers
    assert (stored.rating, stored.comment, stored.sentiment, stored.session) == (2, "", None, None)
    assert SurveyDailyStats.objects.get().answered == 1


def test_the_response_keeps_the_older_version_the_resident_saw(client, pothole_survey):
    seen = pothole_survey.live_revision_id
    Survey.objects.get(pk=pothole_survey.pk).save_revision().publish()
    answer(client, pothole_survey, {qid(pothole_survey, "rating"): 4}, revision=seen)
    assert SurveyResponse.objects.get().revision_id == seen


def test_a_revision_of_another_survey_is_not_stored(client, works, pothole_survey):
    other = make_survey(works, title="Other")
    answer(
        client, pothole_survey, {qid(pothole_survey, "rating"): 4}, revision=other.live_revision_id
    )
    assert SurveyResponse.objects.get().revision_id == pothole_survey.live_revision_id


@pytest.mark.parametrize(
    ("kind", "given", "rating"),
    [("thumbs", "up", 5), ("thumbs", "down", 1), ("yes_no", "yes", 5), ("yes_no", "no", 1)],
)
def test_thumbs_and_yes_no_are_rated_on_the_five_point_scale(client, works, kind, given, rating):
    survey = make_survey(works, questions=[(kind, {"label": "Useful?", "required": True})])
    assert answer(client, survey, {qid(survey, kind): given}).status_code == 201
    assert SurveyResponse.objects.get().rating == rating


def test_free_text_is_stored_without_email_addresses_or_phone_numbers(client, pothole_survey):
    text = "The form is broken and I am angry! Mail jane.doe@example.com or call 555-123-4567."
    answers = {qid(pothole_survey, "rating"): 1, qid(pothole_survey, "short_text"): text}
    assert answer(client, pothole_survey, answers).status_code == 201
    stored = SurveyResponse.objects.get()
    for kept in (stored.answers[qid(pothole_survey, "short_text")], stored.comment):
        assert "jane.doe" not in kept and "example.com" not in kept and "4567" not in kept
        assert "[email]" in kept and "[phone]" in kept and "The form is broken" in kept
    assert stored.sentiment < 0


def test_free_text_is_trimmed_and_loses_control_characters(client, pothole_survey):
    answers = {
        qid(pothole_survey, "rating"): 3,
        qid(pothole_survey, "short_text"): "  ok\x00\x07 ",
    }
    assert answer(client, pothole_survey, answers).status_code == 201
    assert SurveyResponse.objects.get().comment == "ok"


def test_a_lone_surrogate_is_not_unicode_and_gets_a_json_400(client, pothole_survey):
    answers = {qid(pothole_survey, "rating"): 3, qid(pothole_survey, "short_text"): "ok\ud800"}
    response = answer(client, pothole_survey, answers)
    assert response.status_code == 400 and "JSON" in response.json()["error"]
    assert not SurveyResponse.objects.exists()


def test_an_unrated_free_text_answer_has_no_rating_but_a_sentiment(client, works):
    survey = report_problem_survey(works)
    assert (
        answer(client, survey, {qid(survey, "short_text"): "Great page, thanks"}).status_code == 201
    )
    stored = SurveyResponse.objects.get()
    assert stored.rating is None and stored.sentiment > 0


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        ("rating", 6, "1 to 5"),
        ("rating", 0, "1 to 5"),
        ("rating", "5", "1 to 5"),
        ("rating", True, "1 to 5"),
        ("rating", 4.5, "1 to 5"),
        ("yes_no", "maybe", "yes or no"),
        ("single_choice", "Something else", "listed"),
        ("short_text", "x" * 201, "200 characters"),
        ("short_text", ["a list"], "Enter text"),
    ],
)
def test_an_invalid_answer_gets_a_400_naming_the_question(
    client, pothole_survey, kind, given, message
):
    answers = {qid(pothole_survey, "rating"): 3, qid(pothole_survey, kind): given}
    response = answer(client, pothole_survey, answers)
    assert response.status_code == 400
    assert message in response.json()["fields"][qid(pothole_survey, kind)]
    assert not SurveyResponse.objects.exists() and not SurveyDailyStats.objects.exists()


def test_a_text_of_the_maximum_length_is_accepted(client, pothole_survey):
    answers = {qid(pothole_survey, "rating"): 3, qid(pothole_survey, "short_text"): "x" * 200}
    assert answer(client, pothole_survey, answers).status_code == 201


def test_a_missing_required_answer_gets_a_400(client, pothole_survey):
    response = answer(client, pothole_survey, {qid(pothole_survey, "yes_no"): "yes"})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        qid(pothole_survey, "rating"): "This question needs an answer."
    }
    assert not SurveyResponse.objects.exists()


def test_an_unknown_question_gets_a_400(client, pothole_survey):
    response = answer(client, pothole_survey, {qid(pothole_survey, "rating"): 3, "nope": 1})
    assert response.status_code == 400 and "nope" in response.json()["fields"]
    assert not SurveyResponse.objects.exists()


def test_an_empty_response_gets_a_400(client, works):
    survey = report_problem_survey(works)
    response = answer(client, survey, {qid(survey, "short_text"): "   "})
    assert response.status_code == 400 and response.json()["fields"] == {}


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b"\xff\xfe", json.dumps({"answers": "x"}).encode()]
)
def test_a_malformed_request_gets_a_json_400(client, pothole_survey, body):
    response = post(client, pothole_survey, "responses", body)
    assert response.status_code == 400 and response.json()["error"]


def test_a_request_over_8_kb_gets_a_400(client, pothole_survey):
    answers = {qid(pothole_survey, "short_text"): "x" * 9000}
    response = answer(client, pothole_survey, answers)
    assert response.status_code == 400 and "bytes" in response.json()["error"]


def test_answers_from_another_site_are_refused(client, pothole_survey):
    response = post(client, pothole_survey, "responses", {}, Origin="https://evil.example")
    assert response.status_code == 403


def test_a_closed_survey_takes_no_answers(client, pothole_survey):
    pothole_survey.unpublish()
    assert answer(client, pothole_survey, {qid(pothole_survey, "rating"): 3}).status_code == 404
    assert post(client, pothole_survey, "responses", b"{}").status_code == 404


@pytest.mark.parametrize(("hp", "elapsed_ms"), [("bot@example.com", 8000), ("", 1499), ("", 0)])
def test_the_bot_trap_thanks_the_bot_and_stores_nothing(
    client, pothole_survey, caplog, hp, elapsed_ms
):
    caplog.set_level(logging.INFO, logger="cityux_analytics.surveys.views")
    response = answer(
        client, pothole_survey, {qid(pothole_survey, "rating"): 3}, hp=hp, elapsed_ms=elapsed_ms
    )
    assert response.status_code == 201 and response.json()["ok"] is True
    assert not SurveyResponse.objects.exists() and not SurveyDailyStats.objects.exists()
    assert "bot trap" in caplog.text


def test_an_answer_after_exactly_the_minimum_time_is_stored(client, pothole_survey):
    answer(client, pothole_survey, {qid(pothole_survey, "rating"): 3}, elapsed_ms=1500)
    assert SurveyResponse.objects.exists()


@pytest.fixture
def tracked_sid():
    from django.utils import timezone

    sid = new_sid()
    TrackedSession.objects.create(sid=sid, started_at=timezone.now(), last_event_at=timezone.now())
    return sid


def test_without_analytics_consent_the_answer_is_not_linked_to_a_session(
    client, pothole_survey, tracked_sid
):
    answer(client, pothole_survey, {qid(pothole_survey, "rating"): 3}, sid=tracked_sid)
    assert SurveyResponse.objects.get().session is None


def test_with_analytics_consent_the_answer_is_linked_to_the_visit(
    consented_client, pothole_survey, tracked_sid
):
    answer(consented_client, pothole_survey, {qid(pothole_survey, "rating"): 3}, sid=tracked_sid)
    assert SurveyResponse.objects.get().session.sid == tracked_sid


def test_global_privacy_control_keeps_the_answer_unlinked(
    consented_client, pothole_survey, tracked_sid
):
    data = {
        "revision": None, "path": POTHOLE_PATH, "answers": {qid(pothole_survey, "rating"): 3},
        "hp": "", "elapsed_ms": 5000, "sid": tracked_sid,
    }  # fmt: skip
    post(consented_client, pothole_survey, "responses", data, **{"Sec-GPC": "1"})
    assert SurveyResponse.objects.get().session is None


@pytest.mark.parametrize("sid", ["no-such-session-0000", "bad sid!", 12345])
def test_an_unknown_or_malformed_sid_is_ignored(consented_client, pothole_survey, sid):
    answer(consented_client, pothole_survey, {qid(pothole_survey, "rating"): 3}, sid=sid)
    assert SurveyResponse.objects.get().session is None


def test_too_many_answers_from_one_address_get_429(client, pothole_survey, settings):
    settings.CITYUX_SURVEYS = {"RATE_LIMITS": {"ip": 2}}
    statuses = [
        answer(client, pothole_survey, {qid(pothole_survey, "rating"): 3}).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert SurveyResponse.objects.count() == 2


def test_too_many_answers_to_one_survey_get_429(client, pothole_survey, settings):
    settings.CITYUX_SURVEYS = {"RATE_LIMITS": {"ip": 100, "survey": 2}}
    statuses = []
    for number in range(3):
        client.defaults["REMOTE_ADDR"] = f"10.0.0.{number}"
        statuses.append(
            answer(client, pothole_survey, {qid(pothole_survey, "rating"): 3}).status_code
        )
    assert statuses == [201, 201, 429]


def test_no_ip_address_is_stored():
    stored_columns = {field.name for field in SurveyResponse._meta.get_fields()}
    assert not {"ip", "ip_address", "remote_addr"} & stored_columns


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_request_body_makes_the_responses_endpoint_fail(client, pothole_survey, settings, data):
    settings.CITYUX_SURVEYS = {"RATE_LIMITS": {"ip": 10**9, "survey": 10**9}}
    question_ids = [child.id for child in pothole_survey.questions]
    answer_values = (
        st.sampled_from([1, 3, 5, "yes", "no", "up", "Pay a bill", "", None]) | json_values
    )
    payload = st.fixed_dictionaries(
        {},
        optional={
            "revision": st.sampled_from([pothole_survey.live_revision_id, 0, -1, 2**70])
            | json_values,
            "path": st.sampled_from([POTHOLE_PATH, "/", "/x?y=1", "//x", "/\x00"]) | json_values,
            "answers": st.dictionaries(
                st.sampled_from(question_ids) | st.text(max_size=40), answer_values, max_size=6
            )
            | json_values,
            "sid": st.text(max_size=70) | json_values,
            "hp": st.sampled_from(["", None]) | json_values,
            "elapsed_ms": st.sampled_from([1500, 9000]) | json_values,
        },
    )
    body = data.draw(
        payload.map(json.dumps).map(str.encode)
        | json_values.map(json.dumps).map(str.encode)
        | st.binary(max_size=300)
    )
    response = post(client, pothole_survey, "responses", body)
    assert response.status_code in (201, 400, 404)
    assert response.json()


@pytest.mark.parametrize(
    "body",
    [
        '{"path": "/\\ud800/", "answers": {}, "hp": "", "elapsed_ms": 9000}',
        '{"path": "/works/pothole/", "answers": {"x\\u0000": 1}, "hp": "", "elapsed_ms": 9000}',
        "[" * 8000 + "]" * 100,
        '{"elapsed_ms": 1e999, "answers": {}}',
        '{"elapsed_ms": ' + "9" * 5000 + "}",
        '{"revision": ' + "9" * 30 + ', "path": "/", "answers": {}, "hp": "", "elapsed_ms": 9000}',
    ],
)
def test_hostile_bodies_get_a_400_not_a_crash(client, pothole_survey, body):
    assert post(client, pothole_survey, "responses", body).status_code == 400


def test_a_huge_survey_id_is_404(client, pages):
    response = client.post(
        "/cityux/surveys/99999999999999999999999/responses/", b"{}",
        content_type="application/json", headers=ORIGIN,
    )  # fmt: skip
    assert response.status_code == 404


# Editing (model rules)


def test_a_second_live_report_a_problem_survey_for_a_department_is_refused(works):
    report_problem_survey(works)
    second = Survey(
        title="Another", department=works, questions=QUESTIONS, trigger="manual",
        is_report_problem=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "is_report_problem" in refused.value.message_dict


def test_only_one_live_survey_can_be_the_city_wide_fallback(works, parks):
    report_problem_survey(works, is_city_wide_fallback=True)
    second = Survey(
        title="Another", department=parks, questions=QUESTIONS, trigger="manual",
        is_report_problem=True, is_city_wide_fallback=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "is_city_wide_fallback" in refused.value.message_dict


def test_a_department_survey_and_the_city_wide_fallback_can_coexist(works):
    report_problem_survey(works, is_city_wide_fallback=True)
    own = Survey(
        title="Own", department=works, questions=QUESTIONS, trigger="manual",
        is_report_problem=True,
    )  # fmt: skip
    own.full_clean()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"trigger": "seconds", "trigger_value": 0}, "trigger_value"),
        ({"trigger": "scroll_depth", "trigger_value": 101}, "trigger_value"),
        ({"trigger": "exit_intent", "trigger_value": 3}, "trigger_value"),
        ({"trigger": "manual"}, "is_report_problem"),
        ({"is_report_problem": True, "trigger": "seconds", "trigger_value": 5}, "trigger"),
        ({"is_city_wide_fallback": True, "trigger_value": 5}, "is_city_wide_fallback"),
        ({"url_patterns": "/ok/*\npermits/*", "trigger_value": 5}, "url_patterns"),
        ({"sample_rate": 101, "trigger_value": 5}, "sample_rate"),
    ],
)
def test_survey_settings_that_do_not_fit_are_refused_on_their_field(works, fields, field):
    survey = Survey(title="S", department=works, questions=QUESTIONS, **fields)
    with pytest.raises(ValidationError) as refused:
        survey.full_clean()
    assert field in refused.value.message_dict


def test_a_survey_must_end_after_it_starts(works):
    from django.utils import timezone

    now = timezone.now()
    survey = Survey(
        title="S",
        department=works,
        questions=QUESTIONS,
        trigger_value=5,
        starts_at=now,
        ends_at=now,
    )
    with pytest.raises(ValidationError) as refused:
        survey.full_clean()
    assert "ends_at" in refused.value.message_dict


def test_the_preview_shows_the_questions(pothole_survey):
    request = RequestFactory().get("/")
    response = pothole_survey.serve_preview(request, "")
    html = response.render().content.decode()
    assert "How easy was this page to use?" in html and "Report a pothole" in html


# Template tags


def test_the_survey_widget_tag_points_the_script_at_the_endpoints(rf):
    html = Template("{% load cityux_surveys %}{% survey_widget %}").render(
        Context({"request": rf.get("/works/pothole/")})
    )
    assert 'href="/static/cityux_analytics/survey.css"' in html
    assert 'src="/static/cityux_analytics/survey.js"' in html
    assert 'data-active-url="/cityux/surveys/active/"' in html
    assert 'data-base-url="/cityux/surveys/"' in html
    assert 'data-path="/works/pothole/"' in html and "defer" in html


def test_the_report_problem_tag_renders_a_button():
    html = Template("{% load cityux_surveys %}{% report_problem_link %}").render(Context())
    assert html == (
        '<button type="button" class="cityux-report-problem" data-cityux-report-problem>'
        "Report a problem with this page</button>"
    )


# The admin


def admin_url(name, *args):
    from tests.cityux_analytics import survey_urls  # registers the snippet, if not yet done

    return reverse(survey_urls.Survey.snippet_viewset.get_url_name(name), args=args)


@pytest.fixture
def survey_lead(works, make_lead):
    lead = make_lead(works)
    content_type = ContentType.objects.get_for_model(Survey)
    # Wagtail creates "publish" on migrate for registered snippets; the test database may predate.
    Permission.objects.get_or_create(
        content_type=content_type, codename="publish_survey", defaults={"name": "Can publish"}
    )
    works.lead_group.permissions.add(
        *Permission.objects.filter(
            content_type=content_type,
            codename__in=["add_survey", "change_survey", "view_survey", "publish_survey"],
        )
    )
    return lead


def test_a_lead_lists_only_their_departments_surveys(client, survey_lead, works, parks):
    make_survey(works, title="Streets survey")
    make_survey(parks, title="Parks survey")
    client.force_login(survey_lead)
    response = client.get(admin_url("list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Streets survey" in html and "Parks survey" not in html


@pytest.mark.parametrize("view", ["edit", "history", "delete", "unpublish", "usage"])
def test_a_lead_cannot_open_another_departments_survey(client, survey_lead, parks, view):
    survey = make_survey(parks, title="Parks survey")
    client.force_login(survey_lead)
    response = client.get(admin_url(view, survey.pk))
    # The one 403 page of the department-scoped admin, never a redirect to the dashboard.
    assert response.status_code == 403
    assert "Parks survey" not in response.content.decode()


def test_a_lead_can_edit_their_own_departments_survey(client, survey_lead, works):
    survey = make_survey(works, title="Streets survey")
    client.force_login(survey_lead)
    response = client.get(admin_url("edit", survey.pk))
    assert response.status_code == 200 and "Streets survey" in response.content.decode()


def test_a_lead_can_only_choose_their_own_department_for_a_new_survey(client, survey_lead, works):
    client.force_login(survey_lead)
    response = client.get(admin_url("add"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["department"].queryset) == [works]


def survey_form(department, **fields):
    return nested_form_data(
        {
            "title": "Pothole feedback",
            "department": department.pk,
            "language": "en",
            "questions": streamfield([("rating", {"label": "How easy was it?", "required": "on"})]),
            "thank_you_message": "",
            "page_targets": inline_formset([]),
            "url_patterns": "/works/*",
            "trigger": "frustration",
            "trigger_value": "",
            "sample_rate": "100",
            "frequency_cap_days": "30",
            "starts_at": "",
            "ends_at": "",
            **fields,
        }
    )


def test_a_lead_creates_and_publishes_a_survey_in_the_admin(client, survey_lead, works, pages):
    client.force_login(survey_lead)
    response = client.post(admin_url("add"), {**survey_form(works), "action-publish": "publish"})
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert (survey.live, survey.department, survey.trigger) == (True, works, "frustration")
    served = active(client)["surveys"][0]
    assert served["trigger"] == {"type": "frustration", "value": 1}


def test_a_lead_cannot_create_a_survey_for_another_department(client, survey_lead, parks):
    client.force_login(survey_lead)
    response = client.post(admin_url("add"), {**survey_form(parks), "action-publish": "publish"})
    assert response.status_code == 200 and "department" in response.context["form"].errors
    assert not Survey.objects.exists()


def test_the_admin_can_export_the_survey_list(admin_client, works):
    make_survey(works, title="Streets survey")
    response = admin_client.get(admin_url("list"), {"export": "csv"})
    assert response.status_code == 200
    assert "Streets survey" in b"".join(response.streaming_content).decode()
