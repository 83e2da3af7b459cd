"""Live: a rage, dead and error click reach the lead's dashboard and page report within a
minute, through a real Celery worker with beat on Redis (no test calls the pipeline itself)."""

import time

import pytest
from wagtail.models import Page

from tests.e2e.helpers import FRUSTRATING_BUTTONS, log_in, rage_click, visit_with_consent
from tests.e2e.live_worker import live_worker, wait_until  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"
TARGET_SECONDS = 60

KIND_COUNTS = """() => Object.fromEntries(
    Array.from(document.querySelectorAll('.cityux-kinds__item'), (item) => [
        item.querySelector('.cityux-kinds__name').textContent.trim().toLowerCase(),
        parseInt(item.querySelector('.cityux-kinds__count').textContent.replace(/\\D/g, '')) || 0,
    ])
)"""


def _shows_rage_dead_and_error(page, url):
    page.goto(url)
    counts = page.evaluate(KIND_COUNTS)
    wanted = ("rage", "dead", "error")
    return all(
        any(name.startswith(kind) and count >= 1 for name, count in counts.items())
        for kind in wanted
    )


@pytest.mark.usefixtures("live_worker")
def test_rage_dead_and_error_clicks_show_on_the_dashboards_within_a_minute(city_site, new_context):
    resident = new_context().new_page()
    visit_with_consent(resident, city_site.url + POTHOLE)
    resident.evaluate(FRUSTRATING_BUTTONS)
    rage_click(resident)
    resident.wait_for_timeout(1200)
    resident.click("main h1")  # plain text: nothing happens, a dead click
    resident.click("#track-request")  # throws: an error click
    clicked = time.monotonic()
    # The resident stays on the page: the session is open, nothing flushes it on leaving.

    lead = new_context().new_page()
    log_in(lead, city_site.url)
    dashboard = city_site.url + "/admin/cityux/departments/public-works/"
    page_id = Page.objects.get(url_path__endswith="/report-a-pothole/").pk
    report = city_site.url + f"/admin/cityux/analytics/page/{page_id}/"
    seen = wait_until(
        lambda: (
            _shows_rage_dead_and_error(lead, dashboard) and _shows_rage_dead_and_error(lead, report)
        ),
        seconds=TARGET_SECONDS - (time.monotonic() - clicked),
        interval=0.2,
    )
    latency = time.monotonic() - clicked
    print(f"\nclick → department dashboard and page UX report: {latency:.1f} s")
    assert seen, f"Rage, dead and error clicks were not on both reports {TARGET_SECONDS} s later"
    assert resident.evaluate("document.visibilityState") == "visible"
