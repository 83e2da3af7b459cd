"""The Content-Security-Policy in a real browser: the site and the admin run with no violation.

A resident sees the consent banner, accepts, is tracked and recorded while rage-clicking (which
opens a survey), and fails a form (our nonce'd inline script moves focus); then the department's
lead opens the dashboard, the replay player and the click map, and Wagtail's own page editor.
Every violation, in the page or in a frame, fails the test: Chromium logs each one to the
console ("Refused to ..."), and a `securitypolicyviolation` listener logs it again with the
directive, for frames where the console message is terse.
"""

import datetime

import pytest
from django.utils import timezone

from cityux.departments import pages_of_department
from cityux.models import Department
from cityux.site.models import FormPage
from cityux_analytics import pipeline
from cityux_analytics.models import ElementDailyStats, PageDailyStats, SignalKind, TrackedSession
from cityux_analytics.surveys.models import Survey
from tests.e2e.helpers import accept_and_wait_for_the_recorder, log_in, open_click_map, open_player

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
# What Chromium prints for a CSP or Permissions-Policy problem.
VIOLATION_MARKERS = ("Refused to", "Content Security Policy", "CSP violation", "Permissions-Policy")


@pytest.fixture
def violations(page):
    """Every CSP / Permissions-Policy complaint the browser logs while the test runs."""
    seen = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text}")
            if any(marker in message.text for marker in VIOLATION_MARKERS)
            else None
        ),
    )
    return seen


@pytest.fixture
def frustration_survey(city_site):
    survey = Survey(
        title="Having trouble reporting a pothole?",
        department=Department.objects.get(slug="public-works"),
        trigger="frustration",
        url_patterns=POTHOLE,
        questions=[("rating", {"label": "How easy was this page to use?", "required": True})],
        thank_you_message="Thank you.",
        live=False,
    )
    survey.save()
    survey.save_revision().publish()
    return survey


@pytest.fixture
def pothole_clicks(city_site):
    """Today's rollups for the pothole page, so its click map draws a marker."""
    works = Department.objects.get(slug="public-works")
    pothole = pages_of_department(works).get(slug="report-a-pothole")
    today = timezone.localdate()
    PageDailyStats.objects.create(
        date=today, url=pothole.url, page=pothole, department=works, sessions=3, rage_click=3
    )
    ElementDailyStats.objects.create(
        date=today,
        department=works,
        url=pothole.url,
        kind=SignalKind.RAGE_CLICK,
        selector="#contact-box-title",
        signals=3,
        sessions=2,
    )
    return pothole


def rage_click_until_the_survey_and_the_replay_upload(page):
    with page.expect_response(lambda r: "/cityux/replay/" in r.url and r.status == 204):
        for _ in range(4):
            page.locator("main h1").click()
            page.wait_for_timeout(120)
    page.get_by_role("dialog").wait_for()  # the frustration survey, styled by survey.css


def fail_the_licence_form(page, base_url):
    page.goto(base_url + FormPage.objects.get().url)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    # Our inline script (with the request's nonce) moved focus to the error summary.
    page.wait_for_function("() => document.activeElement.matches('.error-summary')")


def test_the_site_and_the_admin_run_under_the_content_security_policy_without_a_violation(
    city_site, frustration_survey, pothole_clicks, page, violations
):
    home = page.goto(city_site.url + "/")
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert "camera=()" in home.headers["permissions-policy"]

    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    rage_click_until_the_survey_and_the_replay_upload(page)
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        fail_the_licence_form(page, city_site.url)  # leaving the page sends the tracker's batch
    assert violations == [], "the public site broke its policy:\n" + "\n".join(violations)

    session = TrackedSession.objects.get(replay_chunks__seq=0)
    pipeline.process_closed_sessions(now=timezone.now() + datetime.timedelta(minutes=31))
    log_in(page, city_site.url, "admin", "cityux-admin")
    page.goto(city_site.url + "/admin/")
    page.goto(city_site.url + "/admin/cityux/")
    page.get_by_role("heading", level=1).wait_for()
    _, frame = open_player(page, city_site.url, session)
    frame.wait_for_selector("main", state="attached")  # the recorded page, rebuilt
    open_click_map(page, city_site.url, pothole_clicks)
    page.goto(f"{city_site.url}/admin/pages/{pothole_clicks.pk}/edit/")
    page.get_by_role("button", name="Publish").or_(page.get_by_text("Save draft")).first.wait_for()
    page.wait_for_timeout(500)  # Wagtail's editor scripts have run
    assert violations == [], "the admin broke its policy:\n" + "\n".join(violations)
