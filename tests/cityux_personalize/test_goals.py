"""Goals: exposures buffered off the hot path, one conversion per visitor, the holdout report."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from cityux.models import Department
from cityux_personalize import goals, reports, tasks
from cityux_personalize.models import Conversion, Exposure, Goal, Segment, VisitorProfile
from tests.cityux_personalize.test_resume import build_form_page, get_code, profile_of, visit

REPORT = "/admin/cityux/personalize/holdout/"


@pytest.fixture
def form_page(city):
    return build_form_page()


@pytest.fixture
def segment(city):
    return Segment.objects.create(name="Business owners", holdout_percent=10)


def request_of(client, path="/", **headers):
    """A request carrying the client's cookies, for functions called on the request path."""
    request = RequestFactory().get(path, **headers)
    request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    request.user = AnonymousUser()
    return request


# -- exposures ------------------------------------------------------------------------------------


def test_an_exposure_is_not_written_on_the_request_path(
    form_page, segment, make_visitor, django_assert_num_queries
):
    client = make_visitor()
    visit(client, form_page)
    request = request_of(client)
    with django_assert_num_queries(0):
        goals.record_exposure(request, segment.pk, "variant")
        goals.record_exposure(request, segment.pk, "variant")
    assert not Exposure.objects.exists()


def test_the_flush_task_writes_buffered_exposures_once_per_visitor_and_segment(
    form_page, segment, make_visitor
):
    client = make_visitor()
    visit(client, form_page)
    for _ in range(3):
        goals.record_exposure(request_of(client), segment.pk, "holdout")
    assert tasks.flush_exposures.delay().get() == 1
    exposure = Exposure.objects.get()
    assert (exposure.visitor_id, exposure.variant) == (profile_of(client).visitor_id, "holdout")
    assert tasks.flush_exposures.delay().get() == 0


def test_an_exposure_pushed_again_is_counted_once(segment, city):
    visitor = "6f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11"
    goals.push_exposure(visitor, segment.pk, "variant", 1_700_000_000.0)
    goals.push_exposure(visitor, segment.pk, "variant", 1_700_000_100.0)
    goals.flush_exposures()
    assert Exposure.objects.count() == 1


def test_a_missing_buffer_entry_is_waited_for_once_then_skipped(segment, city):
    from django.core.cache import cache

    goals.push_exposure("6f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11", segment.pk, "variant", 1.0e9)
    goals.push_exposure("7f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11", segment.pk, "variant", 1.0e9)
    cache.delete(f"{goals.BUFFER}:1")  # evicted, or not written yet
    assert goals.flush_exposures() == 0
    assert goals.flush_exposures() == 1
    assert Exposure.objects.count() == 1


def test_no_exposure_without_consent(form_page, segment, make_visitor):
    client = make_visitor(consent=False)
    goals.record_exposure(request_of(client), segment.pk, "variant")
    goals.flush_exposures()
    assert not Exposure.objects.exists()


def test_an_unknown_variant_is_refused(form_page, segment, make_visitor):
    with pytest.raises(ValueError, match="variant must be one of"):
        goals.record_exposure(request_of(make_visitor()), segment.pk, "control")


# -- conversions ----------------------------------------------------------------------------------


def test_reaching_a_goal_page_counts_once_per_visitor(form_page, make_visitor):
    goal = Goal.objects.create(name="Opened the licence form", kind="page_reached", page=form_page)
    client, other = make_visitor(), make_visitor()
    for _ in range(3):
        visit(client, form_page)
    visit(other, form_page)
    assert Conversion.objects.filter(goal=goal).count() == 2


def test_a_conversion_is_recorded_once_even_when_the_cache_forgot(form_page, make_visitor):
    from django.core.cache import cache

    goal = Goal.objects.create(name="Opened the licence form", kind="page_reached", page=form_page)
    client = make_visitor()
    visit(client, form_page)
    cache.clear()
    goals.record_conversions(profile_of(client).visitor_id, [goal.pk])
    assert Conversion.objects.count() == 1


def test_sending_a_form_reaches_a_form_goal(form_page, make_visitor):
    goal = Goal.objects.create(name="Applied", kind="form_submitted", page=form_page)
    client = make_visitor()
    client.post(form_page.url, {"business_name": ""})  # errors: not sent
    assert not Conversion.objects.exists()
    client.post(form_page.url, {"business_name": "Bakery", "kind": "Shop"})
    assert Conversion.objects.get().goal == goal


def test_no_conversion_without_consent(form_page, make_visitor):
    Goal.objects.create(name="Opened", kind="page_reached", page=form_page)
    visit(make_visitor(consent=False), form_page)
    assert not Conversion.objects.exists()


def test_a_yes_on_the_named_survey_reaches_the_survey_goal(form_page, make_visitor):
    found = Goal.objects.create(name="Found what they needed", kind="survey_yes", survey_key="12")
    Goal.objects.create(name="Other survey", kind="survey_yes", survey_key="99")
    client = make_visitor()
    visit(client, form_page)
    goals.survey_answered_yes.send(
        sender=None, request=request_of(client), survey=12, question="found_it", page=form_page
    )
    assert list(Conversion.objects.values_list("goal", flat=True)) == [found.pk]


def test_a_yes_sent_through_the_survey_widget_reaches_the_goal(form_page, make_visitor):
    from tests.cityux_analytics.test_survey_api import make_survey, qid

    questions = [
        ("yes_no", {"label": "Did you find what you needed?", "required": False}),
        ("thumbs", {"label": "Was this page useful?", "required": False}),
    ]
    department = Department.objects.get(slug="public-works")
    survey = make_survey(department, questions=questions, target_pages=[form_page])
    goal = Goal.objects.create(name="Found it", kind="survey_yes", survey_key=str(survey.pk))
    client = make_visitor()
    visit(client, form_page)

    def answer(question, value):
        body = {
            "revision": survey.live_revision_id,
            "path": form_page.url,
            "answers": {qid(survey, question): value},
            "hp": "",
            "elapsed_ms": 8000,
        }
        response = client.post(
            f"/cityux/surveys/{survey.pk}/responses/",
            body,
            content_type="application/json",
            headers={"Origin": "http://testserver"},
        )
        assert response.status_code == 201, response.content

    answer("yes_no", "no")
    answer("thumbs", "down")
    assert not Conversion.objects.exists()
    answer("thumbs", "up")
    assert Conversion.objects.get().goal == goal


def test_a_survey_goal_can_name_the_question(form_page, make_visitor):
    goal = Goal.objects.create(name="Found it", kind="survey_yes", survey_key="12:found_it")
    client = make_visitor()
    visit(client, form_page)
    goals.survey_answered_yes.send(
        sender=None, request=request_of(client), survey=12, question="other"
    )
    assert not Conversion.objects.exists()
    goals.survey_answered_yes.send(
        sender=None, request=request_of(client), survey=12, question="found_it"
    )
    assert Conversion.objects.get().goal == goal


def test_joined_devices_keep_one_exposure_and_one_conversion(form_page, segment, make_visitor):
    goal = Goal.objects.create(name="Opened", kind="page_reached", page=form_page)
    laptop, phone = make_visitor(), make_visitor()
    for client in (laptop, phone):
        visit(client, form_page)
        Exposure.objects.create(
            segment=segment, visitor_id=profile_of(client).visitor_id, variant="variant"
        )
    phone.post("/cityux/resume/", {"code": get_code(laptop, form_page)["code"]})
    kept = profile_of(laptop).visitor_id
    assert list(Exposure.objects.values_list("visitor_id", flat=True)) == [kept]
    assert list(Conversion.objects.filter(goal=goal).values_list("visitor_id", flat=True)) == [kept]


# -- the report -----------------------------------------------------------------------------------


def expose(segment, variant, visitors, converted, goal):
    """`visitors` exposed visitors of one group, the first `converted` of whom reached `goal`."""
    import uuid

    rows = [
        Exposure(segment=segment, visitor_id=uuid.uuid4(), variant=variant) for _ in range(visitors)
    ]
    Exposure.objects.bulk_create(rows)
    Conversion.objects.bulk_create(
        [Conversion(goal=goal, visitor_id=row.visitor_id) for row in rows[:converted]]
    )


@pytest.fixture
def measured(city, form_page):
    """Two departments' segments with a holdout each, measured against one goal each."""
    works = Department.objects.get(slug="public-works")
    parks = Department.objects.get(slug="parks-recreation")
    business = Segment.objects.create(name="Business-owner content", department=works)
    camps = Segment.objects.create(name="Summer camp content", department=parks)
    licence = Goal.objects.create(
        name="Apply for a business licence", kind="form_submitted", page=form_page, department=works
    )
    register = Goal.objects.create(
        name="Register for camp", kind="page_reached", page=form_page, department=parks
    )
    expose(business, "variant", 1000, 300, licence)
    expose(business, "holdout", 1000, 200, licence)
    expose(camps, "variant", 50, 10, register)
    expose(camps, "holdout", 40, 5, register)
    return {"works": works, "parks": parks, "business": business, "camps": camps}


def test_report_rows_compare_each_segment_with_its_holdout(measured, superuser):
    rows = {row["segment"]: row for row in reports.lift_rows(superuser)}
    business = rows["Business-owner content"]
    assert (business["variant_rate"], business["holdout_rate"]) == (30.0, 20.0)
    assert business["relative_lift"] == 50.0 and business["significant"]
    assert business["sentence"].startswith(
        "Business-owner content: +50% reached Apply for a business licence, 95% CI +"
    )
    assert not rows["Summer camp content"]["enough_data"]
    assert "not enough data yet" in rows["Summer camp content"]["sentence"]


def test_a_segment_is_measured_against_its_own_departments_goals_only(measured, superuser):
    pairs = {(row["segment"], row["goal"]) for row in reports.lift_rows(superuser)}
    assert pairs == {
        ("Business-owner content", "Apply for a business licence"),
        ("Summer camp content", "Register for camp"),
    }


def test_a_conversion_before_the_exposure_does_not_count(form_page, segment, city, superuser):
    goal = Goal.objects.create(name="Opened", kind="page_reached", page=form_page)
    exposure = Exposure.objects.create(
        segment=segment, visitor_id="6f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11", variant="variant"
    )
    Conversion.objects.create(
        goal=goal,
        visitor_id=exposure.visitor_id,
        reached_at=exposure.first_exposed.replace(year=exposure.first_exposed.year - 1),
    )
    (row,) = reports.lift_rows(superuser)
    assert row["variant_conversions"] == 0


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


def test_a_lead_sees_only_their_departments_segments(measured, make_lead, client):
    client.force_login(make_lead(measured["works"]))
    page = client.get(REPORT).content.decode()
    assert "Business-owner content" in page
    assert "Summer camp content" not in page


def test_a_lead_export_leaves_out_other_departments(measured, make_lead, client):
    client.force_login(make_lead(measured["parks"]))
    response = client.get(REPORT, {"export": "csv"})
    body = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["Segment"] for row in rows] == ["Summer camp content"]
    assert "In plain words" in rows[0]


def test_a_user_without_a_department_gets_403(measured, django_user_model, client):
    user = django_user_model.objects.create_user("editor", password="pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(REPORT).status_code == 403


def test_the_report_exports_xlsx(measured, superuser, client):
    client.force_login(superuser)
    response = client.get(REPORT, {"export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]


def goal_editor(make_lead, department):
    """A lead of `department` who may also edit goals (an editor's model permissions)."""
    from django.contrib.auth.models import Permission

    lead = make_lead(department)
    lead.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_goal", "change_goal"])
    )
    return lead


def test_goal_listing_hides_other_departments_goals(measured, make_lead, client):
    client.force_login(goal_editor(make_lead, measured["works"]))
    page = client.get("/admin/snippets/cityux_personalize/goal/").content.decode()
    assert "Apply for a business licence" in page and "Register for camp" not in page


def test_editing_another_departments_goal_is_refused(measured, make_lead, client):
    client.force_login(goal_editor(make_lead, measured["works"]))
    own = Goal.objects.get(name="Apply for a business licence")
    assert client.get(f"/admin/snippets/cityux_personalize/goal/edit/{own.pk}/").status_code == 200
    other = Goal.objects.get(name="Register for camp")
    response = client.get(f"/admin/snippets/cityux_personalize/goal/edit/{other.pk}/")
    # The one 403 page of the department-scoped admin, never a redirect to the dashboard.
    assert response.status_code == 403
    assert "Register for camp" not in response.content.decode()


def test_profiles_are_untouched_by_the_report(measured, superuser):
    reports.lift_rows(superuser)
    assert not VisitorProfile.objects.exists()


def test_the_hub_says_in_plain_words_what_a_departments_content_achieved(
    measured, make_lead, client
):
    from django.urls import reverse

    client.force_login(make_lead(measured["works"]))
    overview = client.get(reverse("cityux_hub:overview")).content.decode()
    assert "Business-owner content: +50% reached Apply for a business licence, 95% CI +" in overview
    assert "Summer camp content" not in overview
    other = client.get(reverse("cityux_hub:department", args=["parks-recreation"]))
    assert other.status_code == 403


def test_the_report_counts_exposures_still_in_the_buffer(form_page, segment, superuser, client):
    Goal.objects.create(name="Opened", kind="page_reached", page=form_page)
    goals.push_exposure("6f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11", segment.pk, "variant", 1.0e9)
    client.force_login(superuser)
    page = client.get(REPORT).content.decode()
    assert "not enough data yet for Opened (1 visitor saw the content, 0 were held out)" in page


def test_an_old_missing_buffer_entry_does_not_hold_up_the_flush(segment, city):
    from django.core.cache import cache

    for number in range(goals.IN_FLIGHT + 5):
        goals.push_exposure(f"6f1c2a0e-8a4b-4a53-9a53-{number:012d}", segment.pk, "variant", 1e9)
    cache.delete(f"{goals.BUFFER}:1")  # evicted long ago
    assert goals.flush_exposures() == goals.IN_FLIGHT + 4


def test_the_flush_starts_again_when_the_counter_was_lost(segment, city):
    from django.core.cache import cache

    goals.push_exposure("6f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11", segment.pk, "variant", 1e9)
    goals.flush_exposures()
    cache.delete(f"{goals.BUFFER}:seq")  # a restarted cache
    goals.push_exposure("7f1c2a0e-8a4b-4a53-9a53-8f4f2f0e5b11", segment.pk, "variant", 1e9)
    assert goals.flush_exposures() == 1
    assert Exposure.objects.count() == 2
