"""The page UX report's click map in a real browser, on the reference site's pothole page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cityux.departments import pages_of_department
from cityux.models import Department
from cityux_analytics.models import ElementDailyStats, PageDailyStats, SignalKind
from tests.e2e.helpers import accept_all, axe_violations, log_in, open_click_map

pytestmark = pytest.mark.django_db(transaction=True)

# Elements of the reference site's service page, as the tracker names them.
CONTACT_BOX = "#contact-box-title"
HEADING = "#main-content>div:nth-of-type(1)>div>h1"
GONE = "#track-request"  # a button residents met once; the page no longer has it
NOT_A_SELECTOR = "button[type="

# Where marker N is drawn, and where the element it marks is, in the admin page's pixels.
BOXES = """([number, selector]) => {
    const frame = document.querySelector("[data-cityux-clickmap-frame]");
    const framed = frame.getBoundingClientRect();
    const scale = framed.width / frame.offsetWidth;
    const element = frame.contentDocument.querySelector(selector).getBoundingClientRect();
    const marker = document
        .querySelector(`[data-cityux-clickmap-marker="${number}"]`)
        .getBoundingClientRect();
    return {
        element: [
            framed.left + element.left * scale,
            framed.top + element.top * scale,
            element.width * scale,
            element.height * scale,
        ],
        marker: [marker.left, marker.top, marker.width, marker.height],
        frameWidth: frame.offsetWidth,
    };
}"""


@pytest.fixture
def pothole(city_site):
    """The pothole page with today's rollups: three elements on it, one gone, one unreadable."""
    works = Department.objects.get(slug="public-works")
    page = pages_of_department(works).get(slug="report-a-pothole")
    today = timezone.localdate()
    PageDailyStats.objects.create(
        date=today, url=page.url, page=page, department=works, sessions=30, rage_click=25
    )
    for kind, selector, signals in [
        (SignalKind.RAGE_CLICK, CONTACT_BOX, 25),
        (SignalKind.ERROR_CLICK, GONE, 12),
        (SignalKind.DEAD_CLICK, HEADING, 7),
        (SignalKind.DEAD_CLICK, NOT_A_SELECTOR, 2),
    ]:
        ElementDailyStats.objects.create(
            date=today,
            department=works,
            url=page.url,
            kind=kind,
            selector=selector,
            signals=signals,
            sessions=signals // 2 + 1,
        )
    # Last month: outside the report's default 28 days.
    ElementDailyStats.objects.create(
        date=today - datetime.timedelta(days=40),
        department=works,
        url=page.url,
        kind=SignalKind.RAGE_CLICK,
        selector=".brand",
        signals=99,
        sessions=50,
    )
    return page


@pytest.fixture
def framing_allowed(settings):
    """The project's setting (settings/base.py), stated: same-origin frames are allowed."""
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"


def found_column(panel):
    """{marker number: its "On the page now" text}, from the table under the map."""
    rows = panel.locator("[data-cityux-clickmap-row]")
    return {
        int(rows.nth(i).get_attribute("data-cityux-clickmap-row")): rows.nth(i)
        .locator("[data-cityux-clickmap-found]")
        .inner_text()
        for i in range(rows.count())
    }


def assert_marker_covers(page, number, selector):
    boxes = page.evaluate(BOXES, [number, selector])
    for drawn, expected in zip(boxes["marker"], boxes["element"], strict=True):
        assert drawn == pytest.approx(expected, abs=1.5), boxes
    return boxes


def test_click_map_draws_markers_over_the_elements_residents_clicked(
    city_site, framing_allowed, pothole, page, screenshot
):
    log_in(page, city_site.url)
    panel = open_click_map(page, city_site.url, pothole)

    assert found_column(panel) == {
        1: "On the page Show marker 1",
        2: "Not on the page any more",
        3: "On the page Show marker 3",
        4: "Not a valid CSS selector",
    }
    assert page.locator("[data-cityux-clickmap-marker]").count() == 2
    desktop = assert_marker_covers(page, 1, CONTACT_BOX)
    assert desktop["frameWidth"] == 1280
    assert_marker_covers(page, 3, HEADING)
    assert panel.locator("[data-cityux-clickmap-marker='1']").inner_text() == "1R"
    banner_hidden = page.evaluate(
        """() => document.querySelector("[data-cityux-clickmap-frame]")
            .contentDocument.getElementById("cityux-consent").hidden"""
    )
    assert banner_hidden  # a resident whose clicks were measured had chosen: no banner
    assert panel.get_by_role("status").inner_text() == (
        "Elements marked: 2 of 4. Not on the page any more: 1."
    )
    screenshot(page, "admin-click-map")

    panel.get_by_label("a phone (375 pixels wide)").check()
    phone = assert_marker_covers(page, 1, CONTACT_BOX)
    assert phone["frameWidth"] == 375
    assert phone["element"] != desktop["element"]  # the page laid itself out for a phone
    panel.get_by_role("table").scroll_into_view_if_needed()
    screenshot(page, "admin-click-map-phone")


def test_click_map_runs_none_of_the_pages_scripts(city_site, framing_allowed, pothole, new_context):
    context = new_context()
    visit = context.new_page()
    # The lead accepted measurement on the public site: there the tracker runs for them.
    visit.goto(city_site.url + pothole.url)
    accept_all(visit)
    log_in(visit, city_site.url)
    page = context.new_page()  # a tab of its own: nothing of the visit in its sessionStorage
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/cityux/collect/" in r.url else None)
    open_click_map(page, city_site.url, pothole)

    ran = page.evaluate(
        """() => {
            const doc = document.querySelector("[data-cityux-clickmap-frame]").contentDocument;
            const probe = doc.createElement("script");
            probe.textContent = "document.documentElement.dataset.probeRan = 'yes'";
            doc.head.append(probe);
            return {
                tracker: doc.querySelector("script[data-collect]") !== null,
                probe: doc.documentElement.dataset.probeRan || "no",
                session: sessionStorage.getItem("cityux.session"),
            };
        }"""
    )
    assert ran == {"tracker": True, "probe": "no", "session": None}
    assert sent == []


def test_table_buttons_light_up_and_reveal_their_marker(city_site, framing_allowed, pothole, page):
    log_in(page, city_site.url)
    panel = open_click_map(page, city_site.url, pothole)
    marker = panel.locator("[data-cityux-clickmap-marker='3']")

    panel.get_by_role("button", name="Show marker 3").focus()
    assert "is-highlighted" in marker.get_attribute("class")
    page.keyboard.press("Enter")
    page.wait_for_function(
        """() => {
            const viewport = document.querySelector("[data-cityux-clickmap-viewport]");
            const marker = document.querySelector("[data-cityux-clickmap-marker='3']");
            const outer = viewport.getBoundingClientRect();
            const inner = marker.getBoundingClientRect();
            return inner.top >= outer.top && inner.bottom <= outer.bottom;
        }"""
    )
    panel.get_by_role("button", name="Show marker 1").focus()
    assert "is-highlighted" in marker.get_attribute("class")  # the one shown stays lit


def test_click_map_panel_has_no_axe_violations(city_site, framing_allowed, pothole, page):
    log_in(page, city_site.url)
    open_click_map(page, city_site.url, pothole)

    # Not inside the frame: the public page is checked by the site's own tests, and axe
    # cannot run in a frame that allows no script.
    assert axe_violations(page, "#cityux-clickmap", frames=False) == []


def test_click_map_says_so_when_the_site_forbids_frames(city_site, pothole, page, settings):
    # A site forbids frames with both headers: browsers let CSP's frame-ancestors win.
    settings.X_FRAME_OPTIONS = "DENY"
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy, "frame-ancestors": ["'none'"]}}
    log_in(page, city_site.url)
    panel = open_click_map(page, city_site.url, pothole, markers=False)

    status = panel.get_by_role("status")
    status.get_by_text("The page cannot be shown here").wait_for()
    assert page.locator("[data-cityux-clickmap-marker]").count() == 0
    assert panel.get_by_label("a phone (375 pixels wide)").is_hidden()
    assert set(found_column(panel).values()) == {"Not checked"}
    assert panel.get_by_role("table").is_visible()


def test_click_map_follows_the_reports_new_dates_without_reloading_the_page(
    city_site, framing_allowed, pothole, page
):
    log_in(page, city_site.url)
    panel = open_click_map(page, city_site.url, pothole)
    frame_document = "document.querySelector('[data-cityux-clickmap-frame]').contentDocument"
    page.evaluate(f"{frame_document}.documentElement.dataset.firstLoad = 'yes'")

    today = timezone.localdate()
    page.get_by_role("button", name="Show filters").click()
    for label, days_ago in [("From date", 45), ("To date", 35)]:
        page.get_by_role("button", name=label).click()
        page.get_by_label(label).fill((today - datetime.timedelta(days=days_ago)).isoformat())
        page.get_by_label(label).press("Tab")
        page.get_by_role("button", name="Back").click()

    named = panel.locator("[data-cityux-clickmap-row] [title]")
    expect(named).to_have_count(1)
    expect(named).to_have_attribute("title", ".brand")  # the selector on hover
    page.wait_for_selector("[data-cityux-clickmap-marker='1']")
    assert_marker_covers(page, 1, ".brand")
    assert page.evaluate(f"{frame_document}.documentElement.dataset.firstLoad") == "yes"
