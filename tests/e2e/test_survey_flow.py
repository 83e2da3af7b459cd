"""Issue 5's browser acceptance on the reference site: a frustration survey, keyboard only."""

import pytest

from cityux.models import Department
from cityux_analytics.surveys.models import Survey, SurveyResponse
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"


@pytest.fixture
def frustration_survey(city_site):
    survey = Survey(
        title="Having trouble reporting a pothole?",
        department=Department.objects.get(slug="public-works"),
        trigger="frustration",
        url_patterns=POTHOLE,
        questions=[
            ("rating", {"label": "How easy was this page to use?", "required": True}),
            ("short_text", {"label": "What went wrong?", "max_length": 500, "help": ""}),
        ],
        thank_you_message="Thank you. Public Works reads every answer.",
        live=False,
    )
    survey.save()
    survey.save_revision().publish()
    return survey


def _focus_is_in_dialog(page):
    return page.evaluate("!!document.activeElement.closest('[role=dialog]')")


def test_frustration_survey_appears_after_rage_clicks_and_is_answered_by_keyboard(
    city_site, frustration_survey, page, screenshot
):
    page.goto(city_site.url + POTHOLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Decline").click()  # surveys need no analytics consent
    page.wait_for_timeout(500)  # the widget has fetched this page's surveys
    dialog = page.get_by_role("dialog")
    assert dialog.count() == 0
    heading = page.locator("main h1")
    for _ in range(3):
        heading.click()
        page.wait_for_timeout(120)
    dialog.wait_for()
    assert "Having trouble" in dialog.inner_text()
    page.wait_for_timeout(500)  # let the entrance animation finish
    screenshot(page, "site-frustration-survey")

    for _ in range(120):  # keyboard only from here on
        page.keyboard.press("Tab")
        if _focus_is_in_dialog(page) and page.evaluate("document.activeElement.type") == "radio":
            break
    else:
        pytest.fail("Tab never reached the survey's first question")
    page.keyboard.press("ArrowRight")  # rating 1 → 2
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.tagName") != "TEXTAREA":
        page.keyboard.press("Tab")
    page.keyboard.type("Submit does nothing. Call me on 555-123-4567 or ann@example.com")
    while page.evaluate("document.activeElement.textContent.trim()") != "Send answers":
        page.keyboard.press("Tab")
    page.wait_for_timeout(1600)  # faster than a person can answer counts as a bot
    page.keyboard.press("Enter")
    dialog.get_by_text("Public Works reads every answer").wait_for()

    response = SurveyResponse.objects.get(survey=frustration_survey)
    assert response.rating == 2
    assert response.department.slug == "public-works"
    assert response.url == POTHOLE
    assert "555-123-4567" not in response.comment and "ann@example.com" not in response.comment
    assert "Submit does nothing" in response.comment
    assert response.session_id is None  # no analytics consent: not linked to a visit

    # The answer shows in Public Works' survey report, for its lead.
    log_in(page, city_site.url)
    page.goto(f"{city_site.url}/admin/cityux/surveys/{frustration_survey.pk}/")
    report = page.locator("main").inner_text()
    assert "Submit does nothing" in report
    assert "555-123-4567" not in report
