""" "Live now" in a department's hub section: a resident's rage click appears without a
reload, through a real Celery worker with beat on Redis, and the polite live region speaks
once for it, not on every poll."""

import pytest

from tests.e2e.helpers import WCAG22AA, accept_all, axe_violations, log_in
from tests.e2e.live_worker import live_worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"
BUTTON = """() => {
    const button = document.createElement('button');
    button.id = 'send-report';
    button.textContent = 'Send report';
    button.addEventListener('click', () => { button.dataset.n = (+button.dataset.n || 0) + 1; });
    document.querySelector('main').prepend(button);
}"""
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
    resident.goto(city_site.url + POTHOLE)
    accept_all(resident)
    resident.wait_for_function("() => document.querySelector('script[data-collect]') !== null")
    resident.evaluate(BUTTON)
    for _ in range(4):
        resident.click("#send-report", delay=20)
        resident.wait_for_timeout(100)

    pages = live.locator("[data-cityux-live-pages]")
    pages.get_by_role("link", name="Report a pothole").wait_for(timeout=60_000)
    assert "#send-report" in live.locator("[data-cityux-live-elements]").inner_text()
    assert "Rage click" in live.locator("[data-cityux-live-elements]").inner_text()
    assert lead.evaluate("window.cityuxNoReload") is True
    lead.wait_for_function("() => window.cityuxAnnounced.length > 0")
    announced = lead.evaluate("window.cityuxAnnounced")
    assert "new frustration signal" in announced[-1]

    lead.wait_for_timeout(12_000)  # two more polls, nothing new
    assert lead.evaluate("window.cityuxAnnounced") == announced
    assert axe_violations(lead, ".cityux-live", tags=WCAG22AA) == []
