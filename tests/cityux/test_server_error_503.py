"""Outside any view (a middleware), an unavailable Redis cache answers 503, not a 500 page."""

import pytest
from django.test import Client

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = CLOSED_PORT_CACHE
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_cache_that_is_down_gives_503_with_retry_after_on_a_public_endpoint(cache_down):
    response = cache_down.get("/cityux/cookies/status/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "try again" in response.json()["error"]


@pytest.mark.django_db
def test_a_browser_page_gets_a_page_that_says_to_try_again(cache_down):
    response = cache_down.get("/cityux/cookies/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "try again in a minute" in response.content.decode()


@pytest.mark.django_db
def test_an_error_of_our_own_code_is_still_a_500(settings):
    settings.ROOT_URLCONF = "tests.cityux.failing_urls"
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert "Retry-After" not in response
