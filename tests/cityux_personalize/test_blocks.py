"""Personalised blocks on the home page: variant, default, holdout, disclosure, preview modes."""

import re

from cityux.site.models import HomePage, SectionPage
from cityux_personalize.demo import BUSINESS_OWNERS, RETURNING, RIVERSIDE
from cityux_personalize.models import CityArea, Segment
from cityux_personalize.rules import in_holdout

from .conftest import visitor_outside_holdout


def shown(response):
    """Which variant the personalised block rendered: "default" or "segment-<id>"."""
    html = response.content.decode()
    found = re.findall(r'data-cityux-personalised="((?:default|segment-\d+))"', html)
    assert len(found) == 1, html
    return found[0]


def returning_visit(client, settings):
    """End the first visit: the next request starts visit number 2."""
    settings.CITYUX_PERSONALIZE = {"VISIT_GAP_MINUTES": 0}


def test_first_visit_with_consent_shows_the_default(demo_site, make_visitor):
    response = make_visitor().get("/")
    assert response.status_code == 200
    assert shown(response) == "default"
    assert "New to the city" in response.content.decode()


def test_returning_visitor_sees_the_returning_visitors_variant(demo_site, make_visitor, settings):
    visitor = make_visitor()
    visitor.get("/")
    returning_visit(visitor, settings)
    response = visitor.get("/")
    segment = Segment.objects.get(name=RETURNING)
    assert shown(response) == f"segment-{segment.pk}"
    assert "Welcome back" in response.content.decode()


def test_visitor_without_consent_sees_the_default_on_every_visit(demo_site, make_visitor, settings):
    visitor = make_visitor(consent=False)
    visitor.get("/")
    returning_visit(visitor, settings)
    response = visitor.get("/")
    assert shown(response) == "default"
    assert "Why am I seeing this?" not in response.content.decode()


def test_variant_says_why_in_plain_words_with_links_to_settings(demo_site, make_visitor, settings):
    visitor = make_visitor()
    visitor.get("/")
    returning_visit(visitor, settings)
    html = visitor.get("/").content.decode()
    assert "Why am I seeing this?" in html
    assert "This is shown to the group “Returning visitors”." in html
    assert "You see this because you have visited our website before." in html
    assert 'href="/cityux/cookies/"' in html
    assert 'href="/cityux/my-data/"' in html


def test_business_owner_answer_shows_the_business_variant(demo_site, make_visitor):
    visitor = visitor_outside_holdout(make_visitor, Segment.objects.get(name=BUSINESS_OWNERS))
    visitor.post("/cityux/personalize/questions/business-type/", {"answer": "daycare", "next": "/"})
    response = visitor.get("/")
    assert shown(response) == f"segment-{Segment.objects.get(name=BUSINESS_OWNERS).pk}"
    assert "Opening a business in Riverton?" in response.content.decode()


def test_riverside_resident_outside_the_holdout_sees_the_alert_and_variant(demo_site, make_visitor):
    riverside = CityArea.objects.get(slug="riverside")
    segment = Segment.objects.get(name=RIVERSIDE)
    for _attempt in range(50):
        visitor = make_visitor()
        visitor.get("/")
        visitor_id = visitor.cookies["cityux_vid"].value
        if not in_holdout(visitor_id, segment.pk, segment.holdout_percent):
            break
    visitor.post("/cityux/personalize/area/", {"area": riverside.slug})
    response = visitor.get("/")
    html = response.content.decode()
    assert shown(response) == f"segment-{segment.pk}"
    assert "Flood watch for Riverside" in html
    assert "you told us you live in or near Riverside" in html


def test_visitor_in_the_holdout_sees_the_default(demo_site, make_visitor):
    riverside = CityArea.objects.get(slug="riverside")
    segment = Segment.objects.get(name=RIVERSIDE)
    for _attempt in range(200):
        visitor = make_visitor()
        visitor.get("/")
        visitor_id = visitor.cookies["cityux_vid"].value
        if in_holdout(visitor_id, segment.pk, segment.holdout_percent):
            break
    else:
        raise AssertionError("no visitor fell in a 10% holdout in 200 tries")
    visitor.post("/cityux/personalize/area/", {"area": riverside.slug})
    assert shown(visitor.get("/")) == "default"


def test_area_alert_is_hidden_from_residents_of_other_areas(demo_site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    visitor.post("/cityux/personalize/area/", {"area": "old-town"})
    assert "Flood watch for Riverside" not in visitor.get("/").content.decode()


def test_recommendations_come_from_the_departments_a_visitor_read_about(demo_site, make_visitor):
    parks = SectionPage.objects.get(slug="parks-recreation")
    first, *others = parks.get_children().live().order_by("path")
    visitor = make_visitor()
    visitor.get(first.url)
    html = visitor.get("/").content.decode()
    assert "Recommended for you" in html
    assert "you looked at pages about Parks and Recreation" in html
    for service in others:
        assert f'href="{service.url}"' in html
    assert f'href="{first.url}"' not in html  # already read


def test_no_recommendations_without_consent(demo_site, make_visitor):
    parks = SectionPage.objects.get(slug="parks-recreation")
    visitor = make_visitor(consent=False)
    visitor.get(parks.get_children().first().url)
    assert "Recommended for you" not in visitor.get("/").content.decode()


def test_home_page_offers_a_preview_mode_per_segment(demo_site):
    home = HomePage.objects.get()
    modes = dict(home.preview_modes)
    for segment in Segment.objects.all():
        assert f"segment-{segment.pk}" in modes
    assert "" in modes


def test_editor_previews_the_home_page_as_a_segment(demo_site, rf, admin_user):
    home = HomePage.objects.get()
    segment = Segment.objects.get(name=BUSINESS_OWNERS)
    request = rf.get("/")
    request.user = admin_user
    html = home.serve_preview(request, f"segment-{segment.pk}").render().content.decode()
    assert "Opening a business in Riverton?" in html
    request = rf.get("/")
    request.user = admin_user
    default = home.serve_preview(request, "").render().content.decode()
    assert "New to the city" in default
