"""Residents choose an area (or share a location once) and answer questionnaires."""

import json

import pytest
from django.core.exceptions import ValidationError

from cityux_personalize.models import CityArea, Questionnaire, VisitorProfile
from cityux_personalize.profiles import flush_profile

AREA_URL = "/cityux/personalize/area/"
ANSWER_URL = "/cityux/personalize/questions/business-type/"


def stored_profile():
    (visitor_id,) = VisitorProfile.objects.values_list("visitor_id", flat=True)
    flush_profile(visitor_id)
    return VisitorProfile.objects.get()


def test_location_is_mapped_to_its_area_and_the_coordinates_are_not_kept(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.post(AREA_URL, {"lat": "38.62137", "lon": "-90.22411", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    profile = stored_profile()
    assert profile.area == CityArea.objects.get(slug="riverside")
    row = json.dumps(list(VisitorProfile.objects.values()), default=str)
    assert "38.62" not in row and "90.22" not in row


def test_a_location_outside_every_area_asks_to_choose(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.post(AREA_URL, {"lat": "40.0", "lon": "-75.0"})
    assert response.status_code == 400
    assert "Your location is not in one of the city" in response.content.decode()
    assert stored_profile().area is None


@pytest.mark.parametrize("lat, lon", [("abc", "1"), ("91", "0"), ("0", "181"), ("nan", "0")])
def test_unreadable_coordinates_are_refused(demo_site, make_visitor, lat, lon):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.post(AREA_URL, {"lat": lat, "lon": lon})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_choosing_a_neighbourhood_by_name(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    visitor.post(AREA_URL, {"area": "old-town"})
    assert stored_profile().area.slug == "old-town"
    visitor.post(AREA_URL, {"area": ""})
    assert stored_profile().area is None


def test_without_consent_no_area_is_kept_and_no_cookie_is_set(demo_site, make_visitor):
    visitor = make_visitor(consent=False)
    response = visitor.post(AREA_URL, {"area": "riverside"})
    assert response.status_code == 403
    assert "cityux_vid" not in response.cookies
    assert VisitorProfile.objects.count() == 0


def test_the_area_page_offers_the_location_button_only_with_consent(demo_site, make_visitor):
    with_consent = make_visitor().get(AREA_URL).content.decode()
    assert "Use my location" in with_consent
    assert "data-cityux-locate hidden" in with_consent  # shown by the script, on click only
    without = make_visitor(consent=False).get(AREA_URL).content.decode()
    assert "Use my location" not in without
    assert 'href="/cityux/cookies/"' in without


def test_the_next_address_must_stay_on_this_site(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.post(AREA_URL, {"area": "riverside", "next": "https://evil.example/"})
    assert response["Location"] == AREA_URL


def test_an_answer_goes_into_the_profile(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.post(ANSWER_URL, {"answer": "restaurant-or-cafe", "next": "/"})
    assert response.status_code == 302
    assert stored_profile().answers == {"business-type": "restaurant-or-cafe"}


def test_an_unknown_answer_is_refused_with_a_message(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.post(ANSWER_URL, {"answer": "spaceport"})
    assert response.status_code == 400
    assert "Please choose one of the answers." in response.content.decode()
    assert stored_profile().answers == {}


def test_without_consent_the_questionnaire_asks_for_consent_first(demo_site, make_visitor):
    visitor = make_visitor(consent=False)
    page = visitor.get(ANSWER_URL).content.decode()
    assert 'type="radio"' not in page
    assert "allow personalised content" in page
    assert visitor.post(ANSWER_URL, {"answer": "shop"}).status_code == 403


def test_the_questionnaire_form_is_a_labelled_fieldset(demo_site, make_visitor):
    html = make_visitor().get(ANSWER_URL).content.decode()
    assert "<legend" in html
    assert '<label for="q-business-type-daycare">Daycare</label>' in html


def test_an_area_with_bad_geojson_gets_a_clear_error(db):
    area = CityArea(
        name="Nowhere", slug="nowhere", geojson='{"type": "Point", "coordinates": [0, 0]}'
    )
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "“Point” is not an area" in error.value.message_dict["geojson"][0]


def test_a_questionnaire_needs_two_distinct_answers(db):
    questionnaire = Questionnaire(question="Why?", slug="why", choices="Yes\nyes")
    with pytest.raises(ValidationError) as error:
        questionnaire.full_clean()
    assert "must be different" in error.value.message_dict["choices"][0]
