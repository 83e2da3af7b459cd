"""Personalisation in a real browser: default on a first visit, the returning-visitor variant on
the next, and without consent the default and no visitor cookie."""

import pytest
from django.core.handlers.wsgi import WSGIHandler

from cityux_personalize.demo import build_personalize_demo
from cityux_personalize.segments import segments_changed

pytestmark = pytest.mark.django_db(transaction=True)

PROFILE_MIDDLEWARE = "cityux_personalize.middleware.VisitorProfileMiddleware"


def _wsgi_handler(live_server):
    app = live_server.thread.httpd.get_app()
    # The static and media file handlers wrap the WSGIHandler that runs the middleware.
    while hasattr(app, "application"):
        app = app.application
    assert isinstance(app, WSGIHandler)
    return app


@pytest.fixture
def personalised_site(city_site, settings):
    """The demo site with the personalisation demo and the profile middleware.

    Until the reference settings list the middleware, add it and reload the running live
    server's middleware chain (built once, when the server started); restored afterwards.
    """
    handler = None
    if PROFILE_MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, PROFILE_MIDDLEWARE]
        handler = _wsgi_handler(city_site)
        handler.load_middleware()
    build_personalize_demo()
    segments_changed()
    yield city_site
    if handler is not None:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != PROFILE_MIDDLEWARE]
        handler.load_middleware()


def choose(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def highlight(page):
    return page.locator(
        "[data-cityux-personalised^='segment-'], [data-cityux-personalised='default']"
    )


def next_visit_starts_now(settings):
    settings.CITYUX_PERSONALIZE = {"VISIT_GAP_MINUTES": 0}


def test_with_consent_a_returning_visitor_sees_the_returning_visitors_variant(
    personalised_site, page, settings, screenshot
):
    page.goto(personalised_site.url)
    choose(page, "Accept all")
    page.reload()
    assert highlight(page).get_attribute("data-cityux-personalised") == "default"
    assert page.get_by_role("heading", name="New to the city's website?").is_visible()
    assert "cityux_vid" in {c["name"] for c in page.context.cookies()}

    next_visit_starts_now(settings)
    page.reload()
    assert page.get_by_role("heading", name="Welcome back").is_visible()
    disclosure = page.get_by_text("Why am I seeing this?")
    disclosure.focus()
    page.keyboard.press("Enter")
    assert page.get_by_text(
        "You see this because you have visited our website before."
    ).is_visible()
    assert page.get_by_role("link", name="Cookie settings").first.is_visible()
    screenshot(page, "personalised-returning-visitor")


def test_without_consent_the_default_and_no_visitor_cookie(personalised_site, page, settings):
    page.goto(personalised_site.url)
    choose(page, "Decline")
    next_visit_starts_now(settings)
    for _visit in range(3):
        page.reload()
        assert highlight(page).get_attribute("data-cityux-personalised") == "default"
    assert page.get_by_text("Welcome back").count() == 0
    assert "cityux_vid" not in {c["name"] for c in page.context.cookies()}
