"""The social inbox in a real browser: accept a post, a ticket goes out, the resident hears twice.

The demo's Public Works lead accepts a Mastodon post in the inbox (by keyboard: j to reach it,
a to open its accept form); the local fake Open311 server receives a valid GeoReport v2
request; the fake marks it closed, `sync_tickets` runs, and the fake Mastodon server has
received both replies: "logged as request #6001" and "Fixed".
"""

import pytest

from cityux.models import Department
from cityux_social.models import RequestType, SocialPost, Source
from cityux_social.tickets.tasks import sync_tickets
from tests.cityux_social.fake_open311 import FakeOpen311
from tests.cityux_social.fakes import FakeMastodon
from tests.e2e.helpers import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)

OPEN311_KEY = "e2e-open311-key"
MASTODON_TOKEN = "e2e-mastodon-token"
HOSTILE = 'Huge pothole on Elm St <img src=x onerror="window.__pwned=1"> please fix'


@pytest.fixture
def fakes(settings, monkeypatch):
    with (
        FakeOpen311(api_key=OPEN311_KEY) as open311,
        FakeMastodon(token=MASTODON_TOKEN) as mastodon,
    ):
        settings.CITYUX_SOCIAL = {"OPEN311": {"ENDPOINT": open311.base_url, "TIMEOUT": 5}}
        monkeypatch.setenv("CITYUX_OPEN311_API_KEY", OPEN311_KEY)
        monkeypatch.setenv("CITYUX_E2E_MASTODON_TOKEN", MASTODON_TOKEN)
        yield open311, mastodon


@pytest.fixture
def pothole_post(city_site, fakes):
    _, mastodon = fakes
    works = Department.objects.get(slug="public-works")
    source = Source.objects.create(
        name="City Mastodon",
        slug="city-mastodon",
        kind=Source.Kind.MASTODON,
        config={
            "instance": mastodon.base_url,
            "query": "pothole",
            "token_env": "CITYUX_E2E_MASTODON_TOKEN",
        },
    )
    # The demo made a Pothole type that e-mails its tickets: this city has an Open311 server.
    pothole, _ = RequestType.objects.update_or_create(
        name="Pothole",
        department=works,
        defaults={"open311_service_code": "POTHOLE", "ticket_backend": "open311"},
    )
    return SocialPost.objects.create(
        source=source,
        external_id="113541000000000042",
        author_handle="ana@mastodon.example",
        author_name="Ana",
        author_followers=310,
        text=HOSTILE,
        url="https://mastodon.example/@ana/113541000000000042",
        request_type=pothole,
        department=works,
        confidence=0.58,
        status=SocialPost.Status.NEEDS_REVIEW,
        latitude=39.7392,
        longitude=-104.9903,
        place="Elm Street & 3rd",
    )


def test_editor_accepts_a_post_and_the_resident_hears_when_logged_and_fixed(
    city_site, page, fakes, pothole_post, screenshot
):
    open311, mastodon = fakes
    log_in(page, city_site.url)
    page.goto(city_site.url + "/admin/cityux/social/inbox/")
    card = page.locator(f"#post-{pothole_post.pk}")
    card.wait_for()
    # The hostile markup is shown as text and never runs.
    assert 'onerror="window.__pwned=1"' in card.locator(".cityux-post-text").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert "Keyboard shortcuts" in page.content()
    assert axe_violations(page, "#listing-results") == []
    screenshot(page, "admin-social-inbox")

    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"post-{pothole_post.pk}"
    with page.expect_navigation():
        page.keyboard.press("a")
    assert page.url.endswith("#accept")
    assert axe_violations(page, ".cityux-inbox-post") == []
    # The accept form opens focused, with the proposal filled in.
    page.wait_for_function("document.activeElement.name === 'request_type'")
    # Typing in a field never triggers a shortcut ("a", "d", "j" are letters of the text).
    description = page.get_by_label("Description sent to the city's request system")
    description.fill("")
    description.press_sequentially("Pothole about 40 cm wide outside 12 Elm Street")
    assert description.input_value() == "Pothole about 40 cm wide outside 12 Elm Street"
    assert page.url.endswith("#accept")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and create the ticket").click()
    assert "Accepted as request #6001" in page.content()

    (received,) = open311.posts
    assert received.path == "/open311/v2/requests.json"
    assert received.form["api_key"] == OPEN311_KEY
    assert received.form["service_code"] == "POTHOLE"
    assert (received.form["lat"], received.form["long"]) == ("39.739200", "-104.990300")
    assert received.form["description"].startswith("Pothole about 40 cm wide outside 12 Elm Street")
    assert len(mastodon.replies) == 1

    open311.close_request("6001", notes="Patched on Tuesday")
    sync_tickets()

    logged, fixed = mastodon.replies
    assert logged["in_reply_to_id"] == "113541000000000042"
    assert "logged as request #6001" in logged["status"]
    assert fixed["status"].startswith("@ana@mastodon.example Fixed")
    pothole_post.refresh_from_db()
    assert pothole_post.status == SocialPost.Status.CLOSED

    page.goto(f"{city_site.url}/admin/cityux/social/inbox/{pothole_post.pk}/")
    assert page.get_by_text("Closed").first.is_visible()
    screenshot(page, "admin-social-post-closed")
