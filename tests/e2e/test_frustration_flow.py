"""Issue 3's browser acceptance on the reference site: real tracker, real collect endpoint."""

import datetime

import pytest
from django.utils import timezone

from cityux_analytics import pipeline
from cityux_analytics.models import DepartmentDailyStats, FrustrationSignal, PageDailyStats
from tests.e2e.helpers import FRUSTRATING_BUTTONS, log_in, rage_click, visit_with_consent

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"


def _choose(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _collect_requests(page):
    seen = []
    page.on("request", lambda r: seen.append(r) if "/cityux/collect/" in r.url else None)
    return seen


def test_rage_dead_and_error_clicks_reach_the_departments_rollups(city_site, page):
    visit_with_consent(page, city_site.url + POTHOLE)
    sent = _collect_requests(page)
    page.evaluate(FRUSTRATING_BUTTONS)
    rage_click(page)
    page.wait_for_timeout(1200)
    page.click("main h1")  # plain text: nothing happens
    page.wait_for_timeout(2800)  # the dead-click window passes
    page.click("#track-request")
    page.wait_for_timeout(1200)
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        page.goto(city_site.url + "/")  # leaving flushes the batch
    assert sent, "the tracker sent nothing to the collect endpoint"

    pipeline.process_closed_sessions(now=timezone.now() + datetime.timedelta(minutes=31))
    signals = {(s.kind, s.selector) for s in FrustrationSignal.objects.filter(url=POTHOLE)}
    assert ("rage_click", "#send-report") in signals
    assert ("error_click", "#track-request") in signals
    assert any(kind == "dead_click" and "h1" in selector for kind, selector in signals)
    stats = PageDailyStats.objects.get(url=POTHOLE)
    assert stats.rage_click >= 1 and stats.dead_click >= 1 and stats.error_click >= 1
    department = DepartmentDailyStats.objects.get(department__slug="public-works")
    assert department.rage_click >= 1 and department.error_click >= 1

    # The Public Works lead sees the three on the department's dashboard and reports.
    log_in(page, city_site.url)
    page.goto(city_site.url + "/admin/cityux/departments/public-works/")
    dashboard = page.locator("main").inner_text()
    assert "Report a pothole" in dashboard
    page.goto(city_site.url + "/admin/cityux/analytics/elements/")
    elements = page.locator("main").inner_text()
    for words, selector in (
        ("Send report", "#send-report"),
        ("Track my request", "#track-request"),
    ):
        assert f"“{words}” button" in elements  # in the page's words, the selector on hover
        assert page.locator(f'main [title="{selector}"]').count() >= 1
    page.goto(city_site.url + "/admin/cityux/analytics/errors/")
    assert "Cannot read properties of undefined" in page.locator("main").inner_text()


def test_after_decline_the_page_never_calls_the_collect_endpoint(city_site, page):
    page.goto(city_site.url + POTHOLE)
    _choose(page, "Decline")
    sent = _collect_requests(page)
    page.evaluate(FRUSTRATING_BUTTONS)
    for _ in range(4):
        page.click("#send-report")
    page.click("#track-request")
    page.goto(city_site.url + "/")
    page.wait_for_timeout(500)
    assert sent == []
    assert page.locator("script[data-collect]").count() == 0
