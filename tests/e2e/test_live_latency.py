"""Live: a rage, dead and error click reach the lead's dashboard and page report within a
minute, through a real Celery worker with beat on Redis (no test calls the pipeline itself)."""

import time

import pytest
from wagtail.models import Page

from tests.e2e.helpers import accept_all, log_in
from tests.e2e.live_worker import live_worker, wait_until  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
POTHOLE = "/public-works/report-a-pothole/"
TARGET_SECONDS = 60

# A button whose handler throws and one that reacts, added to the real page.
CONTROLS = """() => {
    const main = document.querySelector('main');
    const broken = document.createElement('button');
    broken.id = 'track-request';
    broken.textContent = 'Track my request';
    broken.addEventListener('click', () => { const form = undefined; form.submit(); });
    const busy = document.createElement('button');
    busy.id = 'send-report';
    busy.textContent = 'Send report';
    busy.addEventListener('click', () => { busy.dataset.n = (+busy.dataset.n || 0) + 1; });
    main.prepend(busy, broken);
}"""

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
    resident.goto(city_site.url + POTHOLE)
    accept_all(resident)
    resident.wait_for_function("() => document.querySelector('script[data-collect]') !== null")
    resident.evaluate(CONTROLS)
    for _ in range(4):
        resident.click("#send-report", delay=20)
        resident.wait_for_timeout(150)
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
