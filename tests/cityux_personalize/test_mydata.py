"""My data: a resident sees, downloads and deletes everything held about their visitor id."""

import json
import uuid

import pytest
from django.apps import apps
from django.db import models
from django.test import RequestFactory

from cityux import mydata as core_mydata
from cityux.consent import PERSONALIZATION, has_consent
from cityux_personalize import goals, mydata
from cityux_personalize.conf import VISITOR_COOKIE
from cityux_personalize.models import (
    Exposure,
    FormDraft,
    Goal,
    Segment,
    VisitorProfile,
)
from tests.cityux_personalize.test_resume import build_form_page, get_code, profile_of, save, visit

MY_DATA = "/cityux/my-data/"


@pytest.fixture
def form_page(city):
    return build_form_page()


@pytest.fixture
def segment(city):
    return Segment.objects.create(name="Business owners", holdout_percent=10)


@pytest.fixture
def goal(form_page):
    return Goal.objects.create(
        name="Apply for a business licence", kind="page_reached", page=form_page
    )


def resident_with_everything(make_visitor, page, segment, goal):
    """A laptop and a phone joined by a code, with a draft, a code, exposures and a conversion."""
    laptop, phone = make_visitor(), make_visitor()
    visit(laptop, page)  # also reaches the goal page
    save(laptop, page, {"business_name": "Riverside Bakery"})
    visit(phone, page)
    Exposure.objects.create(
        segment=segment, visitor_id=profile_of(phone).visitor_id, variant="variant"
    )
    phone.post("/cityux/resume/", {"code": get_code(laptop, page)["code"]})
    get_code(laptop, page)  # an unused code too
    return laptop, phone


def rows_tied_to(profile_ids, visitor_ids):
    """Rows per table, in every installed app, that hold one of these profiles or visitor ids.

    Found by looking at every model: a `visitor_id` column, or a foreign key to VisitorProfile.
    """
    counts = {}
    for model in apps.get_models():
        conditions = models.Q(pk__in=[])
        for field in model._meta.get_fields():
            if field.name == "visitor_id" and getattr(field, "concrete", False):
                conditions |= models.Q(visitor_id__in=visitor_ids)
            elif (
                getattr(field, "many_to_one", False)
                and field.concrete
                and field.related_model is VisitorProfile
            ):
                conditions |= models.Q(**{f"{field.name}__in": profile_ids})
        if model is VisitorProfile:
            conditions |= models.Q(pk__in=profile_ids)
        if conditions.children != [("pk__in", [])]:
            counts[model._meta.label] = model.objects.filter(conditions).count()
    return counts


def joined_ids(profile):
    """The profile's id and visitor id, and those of the profiles merged into it."""
    profiles = VisitorProfile.objects.filter(
        models.Q(pk=profile.pk) | models.Q(merged_into=profile)
    )
    return (
        list(profiles.values_list("pk", flat=True)),
        list(profiles.values_list("visitor_id", flat=True)),
    )


def test_the_page_lists_what_is_held_in_plain_words(form_page, segment, goal, make_visitor):
    laptop, _phone = resident_with_everything(make_visitor, form_page, segment, goal)
    page = laptop.get(MY_DATA).content.decode()
    for heading in (
        "Your visitor profile",
        "Forms you started",
        "Codes to continue on another device",
        "Personalised content you were shown",
        "Things you did that we count",
    ):
        assert f">{heading}</h2>" in page
    assert "Riverside Bakery" in page
    assert "Business owners" in page and "Saw the personalised content" in page
    assert "Apply for a business licence" in page
    assert "2 so far" in page  # two devices joined


def test_the_page_is_accessible_headings_and_labels(form_page, make_visitor):
    page = make_visitor().get(MY_DATA).content.decode()
    assert page.count("<h1") == 1
    assert '<label for="mydata-confirm">' in page and 'id="mydata-confirm"' in page
    assert '<label for="mydata-withdraw">' in page
    assert 'aria-labelledby="mydata-delete-title"' in page


def test_a_visitor_without_a_profile_is_told_nothing_is_held(city, make_visitor):
    response = make_visitor(consent=False).get(MY_DATA)
    assert "We hold no profile about you on this device." in response.content.decode()
    assert not VisitorProfile.objects.exists()


def test_opening_my_data_creates_no_profile(city, make_visitor):
    make_visitor().get(MY_DATA)
    assert not VisitorProfile.objects.exists()


def test_download_is_json_with_every_kind_of_data(form_page, segment, goal, make_visitor):
    laptop, phone = resident_with_everything(make_visitor, form_page, segment, goal)
    response = laptop.get(f"{MY_DATA}download/")
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    body = json.loads(response.content)
    data = body["data"]
    assert len(body["visitor_ids"]) == 2
    assert str(profile_of(laptop).visitor_id) in body["visitor_ids"]
    assert [draft["fields"] for draft in data["form_drafts"]["items"]] == [
        {"business_name": "Riverside Bakery"}
    ]
    assert len(data["resume_codes"]["items"]) == 2
    assert data["personalised_content"]["items"][0]["group"] == "Business owners"
    assert data["goals_reached"]["items"][0]["goal"] == "Apply for a business licence"
    profiles = data["profile"]["items"]
    assert {row["merged_into_another_device"] for row in profiles} == {True, False}
    assert any(row["pages_viewed"] for row in profiles)


def test_the_same_data_is_seen_from_either_joined_device(form_page, segment, goal, make_visitor):
    laptop, phone = resident_with_everything(make_visitor, form_page, segment, goal)
    from_laptop = json.loads(laptop.get(f"{MY_DATA}download/").content)
    from_phone = json.loads(phone.get(f"{MY_DATA}download/").content)
    assert sorted(from_laptop["visitor_ids"]) == sorted(from_phone["visitor_ids"])


def test_delete_needs_the_confirmation_box(form_page, segment, goal, make_visitor):
    laptop, _phone = resident_with_everything(make_visitor, form_page, segment, goal)
    response = laptop.post(MY_DATA, {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert FormDraft.objects.exists() and VisitorProfile.objects.count() == 2


def test_delete_removes_every_row_tied_to_the_visitor_in_every_table(
    form_page, segment, goal, make_visitor
):
    laptop, _phone = resident_with_everything(make_visitor, form_page, segment, goal)
    other, _other_phone = resident_with_everything(make_visitor, form_page, segment, goal)
    profile_ids, visitor_ids = joined_ids(profile_of(laptop))
    other_ids, other_visitors = joined_ids(profile_of(other))
    before = rows_tied_to(profile_ids, visitor_ids)
    others_before = rows_tied_to(other_ids, other_visitors)
    for label in (
        "cityux_personalize.VisitorProfile",
        "cityux_personalize.FormDraft",
        "cityux_personalize.ResumeCode",
        "cityux_personalize.Exposure",
        "cityux_personalize.Conversion",
    ):
        assert before[label] > 0, label

    response = laptop.post(MY_DATA, {"confirm": "yes"})

    assert response.status_code == 200
    assert "Your data was deleted" in response.content.decode()
    after = rows_tied_to(profile_ids, visitor_ids)
    assert after == {label: 0 for label in before}
    assert rows_tied_to(other_ids, other_visitors) == others_before
    assert response.cookies[VISITOR_COOKIE]["max-age"] == 0


def test_after_delete_the_page_shows_nothing_held(form_page, segment, goal, make_visitor):
    laptop, _phone = resident_with_everything(make_visitor, form_page, segment, goal)
    laptop.post(MY_DATA, {"confirm": "yes"})
    assert "We hold no profile about you on this device." in laptop.get(MY_DATA).content.decode()


def test_delete_can_also_withdraw_consent(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    client.post(MY_DATA, {"confirm": "yes", "withdraw": "yes"})
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    assert not has_consent(request, PERSONALIZATION)


def test_buffered_exposures_of_a_deleted_visitor_never_come_back(form_page, segment, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    visitor_id = profile_of(client).visitor_id
    goals.push_exposure(visitor_id, segment.pk, "variant", 1_700_000_000.0)
    client.post(MY_DATA, {"confirm": "yes"})
    goals.flush_exposures()
    assert not Exposure.objects.filter(visitor_id=visitor_id).exists()


def test_other_apps_plug_their_data_in_through_the_registry(form_page, make_visitor):
    held = {}

    def collect(subject):
        return [{"answer": held[v]} for v in subject.visitor_ids if v in held]

    def delete(subject):
        return sum(1 for v in subject.visitor_ids if held.pop(v, None) is not None)

    core_mydata.register_data_source(
        "test_survey_answers", label="Your survey answers", collect=collect, delete=delete
    )
    try:
        client = make_visitor()
        visit(client, form_page)
        held[profile_of(client).visitor_id] = "Yes, I found it"
        held[uuid.uuid4()] = "someone else"
        assert "Your survey answers" in client.get(MY_DATA).content.decode()
        body = json.loads(client.get(f"{MY_DATA}download/").content)
        assert body["data"]["test_survey_answers"]["items"] == [{"answer": "Yes, I found it"}]
        client.post(MY_DATA, {"confirm": "yes"})
        assert list(held.values()) == ["someone else"]
    finally:
        core_mydata._sources.pop("test_survey_answers")


def test_plain_text_turns_stored_values_into_short_lines():
    assert mydata.plain_text(None) == "—"
    assert mydata.plain_text(True) == "yes"
    assert mydata.plain_text({"business_kind": "restaurant"}) == "Business kind: restaurant"
    assert mydata.plain_text([{"page": "Parking", "views": 3}]) == "Parking 3"
    assert mydata.label_for("first_seen") == "First seen"
