"""Fixtures for cityux_personalize: the profile middleware, consenting visitors, the demo site."""

import pytest
from django.test import Client

from cityux.consent import ANALYTICS, PERSONALIZATION
from cityux_personalize.segments import segments_changed
from tests.conftest import seed_city

PROFILE_MIDDLEWARE = "cityux_personalize.middleware.VisitorProfileMiddleware"


@pytest.fixture(autouse=True)
def profile_middleware(settings):
    """The reference settings list the middleware once the lead adds it; until then, add it."""
    if PROFILE_MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, PROFILE_MIDDLEWARE]


@pytest.fixture(autouse=True)
def fresh_segments():
    """Each test's database is new: no process may keep segments compiled from an older one."""
    segments_changed()
    yield
    segments_changed()


def choose(client, *groups):
    """Record a cookie choice for this client, as the banner does."""
    client.post("/cityux/cookies/", {"action": "save", "groups": list(groups)})
    # A browser drops the cookies the choice deleted; Django's test client keeps them, empty.
    for name in [name for name, morsel in client.cookies.items() if morsel.value == ""]:
        del client.cookies[name]
    return client


@pytest.fixture
def make_visitor(city):
    """A new browser: `make_visitor(consent=True)` accepts personalisation, else declines."""

    def make(consent=True, **headers):
        client = Client(**headers)
        return choose(client, PERSONALIZATION) if consent else choose(client, ANALYTICS)

    return make


def visitor_outside_holdout(make_visitor, segment):
    """A consenting visitor, after a first page, whose id falls outside `segment`'s holdout
    (the demo's segments keep 20% of visitors back as a control group)."""
    from cityux_personalize.rules import in_holdout

    for _attempt in range(100):
        visitor = make_visitor()
        visitor.get("/")
        visitor_id = visitor.cookies["cityux_vid"].value
        if not in_holdout(visitor_id, segment.pk, segment.holdout_percent):
            return visitor
    raise AssertionError(f"100 visitors in a row fell in the holdout of {segment}")


def build_small_site():
    """A home page (the default site's root), two department sections with three services each
    and a business licence form: what the demo's home page variants point at, built fast."""
    from wagtail.models import Page, Site

    from cityux.models import Department, DepartmentRootPage
    from cityux.site.models import FormPage, HomePage, SectionPage, ServicePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Riverton", slug="riverton-test"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    for slug in ("parks-recreation", "economic-development"):
        department = Department.objects.get(slug=slug)
        section = home.add_child(instance=SectionPage(title=department.name, slug=slug))
        DepartmentRootPage.objects.create(department=department, page=section)
        for n in range(1, 4):
            section.add_child(
                instance=ServicePage(
                    title=f"{department.name} service {n}", slug=f"s{n}", summary="A service."
                )
            )
        if slug == "economic-development":
            section.add_child(
                instance=FormPage(title="Apply for a business licence", slug="business-licence")
            )
    return home


@pytest.fixture
def demo_site(city):
    """A small reference site and the personalisation demo (areas, segments, home variants)."""
    from cityux_personalize.demo import build_personalize_demo

    build_small_site()
    build_personalize_demo()
    seed_city()
    segments_changed()
    return "/"
