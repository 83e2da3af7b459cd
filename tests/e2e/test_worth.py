"""In the admin player, a lead tells whether a replay was useful; the worth page lists it."""

import pytest
from django.utils import timezone

from cityux.models import Department
from cityux_analytics.models import FrustrationSignal, SignalKind, TrackedSession
from cityux_analytics.replay.models import ReplayFeedback
from cityux_analytics.replay.views import store_chunk
from tests.cityux_analytics.test_replay import rrweb_events
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recorded_session(city_site):
    start = int(timezone.now().timestamp() * 1000)
    store_chunk({"v": 1, "sid": "worth-session-000001", "seq": 0, "events": rrweb_events(5, start)})
    session = TrackedSession.objects.get(sid="worth-session-000001")
    session.department = Department.objects.get(slug="public-works")
    session.save()
    FrustrationSignal.objects.create(
        session=session, view_id=0, url="/public-works/report-a-pothole/",
        department=session.department, kind=SignalKind.RAGE_CLICK, selector="#send-report",
        occurred_at=timezone.now(),
    )  # fmt: skip
    return session


def test_pressing_useful_in_the_player_stores_the_leads_feedback(
    city_site, page, recorded_session, screenshot
):
    log_in(page, city_site.url)
    works = recorded_session.department
    page.goto(f"{city_site.url}/admin/cityux/replays/worth/?department={works.pk}")
    assert page.get_by_text("1 rage click on “#send-report”").is_visible()
    screenshot(page, "admin-sessions-worth-watching")
    with page.expect_navigation():
        page.get_by_role("link", name="Play").click()
    useful = page.get_by_role("button", name="Useful", exact=True)
    assert useful.get_attribute("aria-pressed") == "false"
    with page.expect_navigation():
        useful.click()
    assert page.get_by_text("You marked this replay as useful.").is_visible()
    assert page.get_by_role("button", name="Useful", exact=True).get_attribute("aria-pressed") == (
        "true"
    )
    screenshot(page, "admin-replay-feedback")
    page.goto(f"{city_site.url}/admin/cityux/replays/?department={works.pk}")
    assert page.get_by_text("1 session matches; 1 has a replay.").is_visible()
    screenshot(page, "admin-session-replays")
    feedback = ReplayFeedback.objects.get()
    assert feedback.session == recorded_session and feedback.useful is True
    assert feedback.user.username == "lead"
