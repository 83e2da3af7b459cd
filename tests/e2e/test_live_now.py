""" "Live now" in a department's hub section: a resident's rage click appears without a
reload, through a real Celery worker with beat on Redis, and the polite live region speaks
once for it, not on every poll; axe finds nothing against WCAG 2.2 AA at 1280 and 375 px."""

import pytest

from tests.e2e.helpers import (
    FRUSTRATING_BUTTONS,
    WCAG22AA,
    axe_violations,
    log_in,
    rage_click,
    visit_with_consent,
)
from tests.e2e.live_worker import live_worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"
# Every text the status region is given, and a marker that a reload would wipe out.
RECORD_ANNOUNCEMENTS = """() => {
    window.cityuxNoReload = true;
    window.cityuxAnnounced = [];
    const status = document.querySelector('[data-cityux-live-status]');
    new MutationObserver(() => window.cityuxAnnounced.push(status.textContent))
        .observe(status, {childList: true, characterData: true, subtree: true});
}"""


@pytest.mark.usefixtures("live_worker")
def test_a_rage_click_appears_in_live_now_without_a_reload_and_is_announced_once(
    city_site, new_context
):
    lead = new_context().new_page()
    log_in(lead, city_site.url)
    lead.goto(city_site.url + "/admin/cityux/departments/public-works/")
    live = lead.locator(".cityux-live")
    assert "No frustration signals in the last 15 minutes" in live.inner_text()
    lead.evaluate(RECORD_ANNOUNCEMENTS)

    resident = new_context().new_page()
    visit_with_consent(resident, city_site.url + POTHOLE)
    resident.evaluate(FRUSTRATING_BUTTONS)
    rage_click(resident)

    pages = live.locator("[data-cityux-live-pages]")
    pages.get_by_role("link", name="Report a pothole").wait_for(timeout=60_000)
    elements = live.locator("[data-cityux-live-elements]")
    assert "“Send report” button" in elements.inner_text()
    assert elements.get_by_title("#send-report").count() == 1
    assert "Rage click" in elements.inner_text()
    assert lead.evaluate("window.cityuxNoReload") is True
    lead.wait_for_function("() => window.cityuxAnnounced.length > 0")
    announced = lead.evaluate("window.cityuxAnnounced")
    assert "new frustration signal" in announced[-1]

    lead.wait_for_timeout(12_000)  # two more polls, nothing new
    assert lead.evaluate("window.cityuxAnnounced") == announced
    assert axe_violations(lead, ".cityux-live", tags=WCAG22AA) == []
    lead.set_viewport_size({"width": 375, "height": 740})  # and on a phone
    assert axe_violations(lead, ".cityux-live", tags=WCAG22AA) == []
