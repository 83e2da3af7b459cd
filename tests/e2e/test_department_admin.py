"""The demo lead edits their department's survey and segment in a browser, and not another's."""

import pytest

from cityux_analytics.surveys.demo import ensure_demo_surveys
from cityux_analytics.surveys.models import Survey
from cityux_personalize.models import Segment
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _save_draft_with(page, field_name, value):
    page.locator(f'input[name="{field_name}"]').fill(value)
    page.get_by_role("button", name="Save draft").click()
    page.locator(".messages").get_by_text(value).wait_for()  # Wagtail's "… updated."


def test_the_demo_lead_edits_their_survey_and_segment_and_is_refused_anothers(city_site, page):
    ensure_demo_surveys()  # the demo's surveys come with its traffic, left out of city_site
    base = city_site.url
    log_in(page, base)

    page.goto(base + "/admin/snippets/cityux_analytics/survey/")
    page.get_by_role("link", name="Having trouble reporting a pothole?").click()
    _save_draft_with(page, "title", "Trouble reporting a pothole?")
    assert Survey.objects.get(department__slug="public-works").latest_revision.object_str == (
        "Trouble reporting a pothole?"
    )

    page.goto(base + "/admin/snippets/cityux_personalize/segment/")
    page.get_by_role("link", name="Riverside residents").click()
    _save_draft_with(page, "name", "Riverside and harbour residents")
    riverside = Segment.objects.get(department__slug="parks-recreation")
    assert riverside.latest_revision.object_str == "Riverside and harbour residents"

    other_survey = Survey.objects.get(department__slug="information-technology")
    response = page.goto(f"{base}/admin/snippets/cityux_analytics/survey/edit/{other_survey.pk}/")
    assert response.status == 403
    assert page.get_by_role("heading", name="You cannot open this").is_visible()

    other_segment = Segment.objects.get(name="Business owners")
    response = page.goto(
        f"{base}/admin/snippets/cityux_personalize/segment/edit/{other_segment.pk}/"
    )
    assert response.status == 403
