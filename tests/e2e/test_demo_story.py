"""The demo's story on the real site: its broken button throws and is on the click map, its
seeded worth-watching rows play, and "Personalisation value" shows a result."""

import re

import pytest
from django.urls import reverse

from cityux.departments import pages_of_department
from cityux.models import Department
from cityux.site.models import ServicePage
from cityux_analytics import demo
from cityux_analytics.demo import generate_demo_traffic
from cityux_analytics.models import RawEvent, TrackedSession
from tests.e2e.helpers import accept_all, log_in, open_click_map
from tests.e2e.test_clickmap import BOXES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def framing_allowed(settings):
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"


@pytest.fixture
def demo_city(city_site):
    """The demo city with a week of its synthetic visits, as `cityux_demo` makes them."""
    assert generate_demo_traffic(days=7, sessions_per_day=30) > 0
    return city_site


@pytest.fixture
def pothole_page(city_site):
    works = Department.objects.get(slug="public-works")
    return pages_of_department(works).get(slug="report-a-pothole")


def test_the_pothole_button_really_throws_the_error_the_demo_seeds(city_site, pothole_page, page):
    page.goto(city_site.url + pothole_page.url)
    accept_all(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    for _ in range(3):
        page.get_by_role("button", name="Submit report").click()
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        page.goto(city_site.url + "/")  # leaving sends the tracker's batch
    assert errors, "report.js did not throw"

    session = TrackedSession.objects.exclude(sid__startswith=demo.DEMO_SID_PREFIX).get()
    clicks = RawEvent.objects.filter(session=session, type="click")
    assert set(clicks.values_list("selector", flat=True)) == {demo.POTHOLE_BUTTON}
    errors = RawEvent.objects.filter(session=session, type="error")
    site = re.compile(r"^https?://[^/]+")  # the seeded visits came to the demo's usual address
    assert {
        (message, site.sub("", source))
        for message, source in errors.values_list("message", "source")
    } == {(demo.POTHOLE_ERROR, site.sub("", demo.POTHOLE_ERROR_SOURCE))}


def test_the_water_bills_pay_online_link_leads_to_the_demos_slow_page(city_site, page):
    page.goto(city_site.url + "/utilities-water/pay-your-water-bill/")
    link = page.locator(demo.PAY_ONLINE)
    assert link.inner_text() == "Pay online"
    target = ServicePage.objects.get(slug="online-bill-payment")
    assert link.get_attribute("href") == target.url
    slow = [
        block.value["seconds"] for block in target.body if block.block_type == "demo_slow_response"
    ]
    assert slow and slow[0] >= 2


def test_the_click_map_marks_the_demos_broken_button(
    demo_city, framing_allowed, pothole_page, page
):
    log_in(page, demo_city.url)
    panel = open_click_map(page, demo_city.url, pothole_page)
    status = panel.get_by_role("status").inner_text()
    marked, total = map(int, re.search(r"Elements marked: (\d+) of (\d+)", status).groups())
    assert marked == total >= 2, status
    button_row = panel.locator("[data-cityux-clickmap-row]").filter(
        has=page.locator(f'[title="{demo.POTHOLE_BUTTON}"]')
    )
    assert button_row.count() >= 1
    number = int(button_row.first.get_attribute("data-cityux-clickmap-row"))
    assert (
        button_row.first.locator("[data-cityux-clickmap-found]")
        .inner_text()
        .startswith("On the page")
    )
    boxes = page.evaluate(BOXES, [number, demo.POTHOLE_BUTTON])
    for drawn, expected in zip(boxes["marker"], boxes["element"], strict=True):
        assert drawn == pytest.approx(expected, abs=1.5), boxes


def test_sessions_worth_watching_opens_on_a_department_whose_seeded_rows_play(demo_city, page):
    log_in(page, demo_city.url)
    page.goto(demo_city.url + "/admin/cityux/replays/worth/")
    # The lead's departments are Parks and Recreation (first by name, calm) and Public Works.
    assert page.get_by_text("The sessions of Public Works most worth watching").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Play").first.click()
    page.wait_for_selector("[data-cityux-replay][data-replay-ready=true]")
    frame = page.wait_for_selector("[data-replay-target] iframe").content_frame()
    frame.wait_for_selector("main", state="attached")  # the demo page, rebuilt
    official = frame.locator(".official-bar").text_content().strip()
    assert official == "The official website of the City of Riverton"  # the site's own words
    placeholder = frame.locator("#header-search").get_attribute("placeholder")
    assert placeholder and not re.search(r"[A-Za-z]", placeholder)  # masked as the recorder does
    frame.wait_for_selector(
        f"{demo.POTHOLE_BUTTON}, {demo.PAY_ONLINE}, {demo.LICENCE_FORM}", state="attached"
    )


def test_personalisation_value_shows_a_result_for_the_leads_department(demo_city, page):
    log_in(page, demo_city.url)
    page.goto(demo_city.url + reverse("cityux_personalize_holdout"))
    result = page.get_by_text(
        re.compile(r"Riverside residents: \+\d+% reached Reserved a park shelter, 95% CI \+\d+%")
    )
    assert result.first.is_visible()
    assert not page.get_by_text("No segments or goals to report yet").count()
