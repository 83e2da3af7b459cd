"""A cache never hands one visitor's personalised page to another (Django's cache middleware)."""

import re

import pytest

from cityux_personalize.demo import BUSINESS_OWNERS, RETURNING
from cityux_personalize.models import Segment

from .conftest import PROFILE_MIDDLEWARE, visitor_outside_holdout


@pytest.fixture
def cached_site(demo_site, settings):
    """The site behind Django's per-site cache, as a shared cache in front of it would be."""
    middleware = [m for m in settings.MIDDLEWARE if m != PROFILE_MIDDLEWARE]
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *middleware,
        PROFILE_MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    settings.CACHE_MIDDLEWARE_SECONDS = 600
    settings.CACHE_MIDDLEWARE_KEY_PREFIX = "cached-site"
    return demo_site


def shown(response):
    return re.findall(
        r'data-cityux-personalised="((?:default|segment-\d+))"', response.content.decode()
    )


def test_visitors_in_different_segments_never_get_each_others_variant(
    cached_site, make_visitor, settings
):
    returning_id = Segment.objects.get(name=RETURNING).pk
    business_id = Segment.objects.get(name=BUSINESS_OWNERS).pk
    settings.CITYUX_PERSONALIZE = {"VISIT_GAP_MINUTES": 0}  # every request is a new visit
    returning = make_visitor()
    returning.get("/")
    business = visitor_outside_holdout(make_visitor, Segment.objects.get(pk=business_id))
    business.post("/cityux/personalize/questions/business-type/", {"answer": "shop"})
    for _round in range(3):
        for visitor, expected in ((returning, returning_id), (business, business_id)):
            response = visitor.get("/")
            assert shown(response) == [f"segment-{expected}"]
            assert "private" in response["Cache-Control"]
            assert "Cookie" in response["Vary"]


def test_a_visitor_without_consent_never_gets_a_cached_variant(cached_site, make_visitor, settings):
    settings.CITYUX_PERSONALIZE = {"VISIT_GAP_MINUTES": 0}
    returning = make_visitor()
    returning.get("/")
    assert shown(returning.get("/")) == [f"segment-{Segment.objects.get(name=RETURNING).pk}"]
    for _visitor in range(3):
        assert shown(make_visitor(consent=False).get("/")) == ["default"]


def test_the_default_for_visitors_without_consent_stays_cacheable_but_varies_on_cookie(
    cached_site, make_visitor
):
    response = make_visitor(consent=False).get("/")
    assert "private" not in response.get("Cache-Control", "")
    assert "Cookie" in response["Vary"]


def test_a_page_without_personalised_content_gets_no_private_or_vary_from_us(
    cached_site, make_visitor
):
    from cityux.site.models import ServicePage

    service = ServicePage.objects.live().first()
    for visitor in (make_visitor(consent=False), make_visitor()):
        visitor.get(service.url)
        response = visitor.get(service.url)  # same visit: no new cookie
        assert response.status_code == 200
        assert "cityux_vid" not in response.cookies
        assert "private" not in response.get("Cache-Control", "")


def test_a_consenting_visitors_first_response_sets_the_cookie_privately(cached_site, make_visitor):
    from cityux.site.models import ServicePage

    response = make_visitor().get(ServicePage.objects.live().first().url)
    assert "cityux_vid" in response.cookies
    assert "private" in response["Cache-Control"]
