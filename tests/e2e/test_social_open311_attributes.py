"""The accept form asks for an Open311 service's attributes, in a real browser, spoken in XML.

The fake GeoReport v2 server publishes a Street light service whose definition has required
attributes; the services are cached by the refresh task. The lead sees the Street light details
only while that type is chosen, is told what is missing when accepting without them (axe finds
nothing wrong with the form and its errors), then fills them in: the server receives them
encoded as the spec says, and the post is ticketed.
"""

import pytest

from cityux.models import Department
from cityux_social.models import RequestType, SocialPost, Source
from cityux_social.tickets.tasks import refresh_open311_services
from tests.cityux_social.fake_open311 import FakeOpen311
from tests.e2e.helpers import WCAG22AA, axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "e2e-open311-attributes"


@pytest.fixture
def open311(settings, monkeypatch):
    with FakeOpen311(api_key=KEY) as server:
        settings.CITYUX_SOCIAL = {
            "OPEN311": {"ENDPOINT": server.base_url, "TIMEOUT": 5, "FORMAT": "xml"}
        }
        monkeypatch.setenv("CITYUX_OPEN311_API_KEY", KEY)
        yield server


@pytest.fixture
def light_post(city_site, open311):
    works = Department.objects.get(slug="public-works")
    light = RequestType.objects.create(
        name="Street light", department=works, open311_service_code="STREETLIGHT"
    )
    source = Source.objects.create(
        name="Imported", slug="imported-e2e", kind=Source.Kind.FILE, config={"path": "/dev/null"}
    )
    refresh_open311_services()
    return SocialPost.objects.create(
        source=source,
        external_id="light-e2e",
        text="Street light flickering all night outside the school",
        request_type=light,
        department=works,
        status=SocialPost.Status.NEEDS_REVIEW,
        latitude=39.7392,
        longitude=-104.9903,
    )


def test_the_lead_gives_the_details_the_city_asks_for(city_site, page, open311, light_post):
    log_in(page, city_site.url)
    page.goto(f"{city_site.url}/admin/cityux/social/inbox/{light_post.pk}/#accept")
    details = page.locator(f"fieldset[data-request-type='{light_post.request_type_id}']")
    assert details.is_visible()
    assert "A wire on the ground? Call 911 now." in details.inner_text()
    kinds = page.locator("#accept select[name='request_type']")
    other = kinds.locator("option").filter(has_not_text="Street light").nth(1)
    kinds.select_option(other.get_attribute("value"))
    assert details.is_hidden()
    kinds.select_option(str(light_post.request_type_id))
    assert details.is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Accept and create the ticket").click()
    assert "The post was not accepted" in page.content()
    assert details.get_by_role("alert").count() == 2  # Pole number, what is wrong
    assert axe_violations(page, "#accept", tags=WCAG22AA) == []
    assert open311.posts == []

    page.get_by_label("Pole number (required)").fill("P-2041")
    page.get_by_label("What is wrong with the light? (required)").select_option("flicker")
    page.get_by_label("A school").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and create the ticket").click()
    assert "Accepted as request #6001" in page.content()
    (received,) = open311.posts
    assert received.path == "/open311/v2/requests.xml"
    attributes = [pair for pair in received.pairs if pair[0].startswith("attribute")]
    assert attributes == [
        ("attribute[POLE]", "P-2041"),
        ("attribute[KIND]", "flicker"),
        ("attribute[NEAR][]", "school"),
    ]
    light_post.refresh_from_db()
    assert light_post.status == SocialPost.Status.TICKETED
