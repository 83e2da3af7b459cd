"""Rage clicks on text: a real triple click selects the paragraph, and that selection is no
answer to a resident clicking it again and again."""

import datetime

import pytest
from django.utils import timezone

from cityux_analytics import pipeline
from cityux_analytics.models import FrustrationSignal
from tests.e2e.helpers import visit_with_consent

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"


def test_triple_clicking_a_paragraph_three_times_is_a_rage_click(city_site, page):
    visit_with_consent(page, city_site.url + POTHOLE)
    paragraph = page.locator("main p").first
    for _ in range(3):
        paragraph.click(click_count=3)
    assert page.evaluate("getSelection().toString().trim().length") > 0  # it selected text
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        page.goto(city_site.url + "/")  # leaving flushes the batch

    pipeline.process_closed_sessions(now=timezone.now() + datetime.timedelta(minutes=31))

    (rage,) = FrustrationSignal.objects.filter(url=POTHOLE, kind="rage_click")
    assert rage.count == 9
    assert rage.selector.rsplit(">", 1)[-1].startswith("p")  # the paragraph itself
    assert not FrustrationSignal.objects.filter(url=POTHOLE, kind="dead_click").exists()
