"""Steps the browser tests share: signing in, consenting, opening the replay player and the
click map, the My data steps, and asking axe-core what is wrong."""

from pathlib import Path

import pytest

from cityux.site.demo_content import LICENCE_FORM_SLUG
from cityux.site.models import FormPage

AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"

# WCAG 2.2 AA as axe-core tags it: every A and AA rule of 2.0, 2.1 and 2.2.
WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DEMO_LOGINS = {"admin": "cityux-admin", "lead": "cityux-lead"}

TRACKER_ON_PAGE = "() => document.querySelector('script[data-collect]') !== null"

# A button whose handler throws (#track-request) and one that reacts (#send-report), added to
# the real page: the reference site itself ships no broken controls.
FRUSTRATING_BUTTONS = """() => {
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


def log_in(page, base_url, username="lead", password=None):
    """Sign in to Wagtail's admin as one of the demo's users (or any user and password)."""
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or DEMO_LOGINS[username])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def accept_all(page):
    """Press the consent banner's "Accept all" and wait for the page it reloads."""
    with page.expect_navigation():
        page.get_by_role("button", name="Accept all").click()


def visit_with_consent(page, url):
    """Open `url`, accept all, and wait until the tracker is on the page."""
    page.goto(url)
    accept_all(page)
    page.wait_for_function(TRACKER_ON_PAGE)


def accept_and_wait_for_the_recorder(page, url):
    """Open `url`, accept all, and wait for the replay recorder's first full snapshot."""
    page.goto(url)
    accept_all(page)
    page.wait_for_function("() => window.rrwebRecord !== undefined && window.cityuxReplay === true")
    page.wait_for_timeout(300)  # the recorder's first full snapshot


def rage_click(page, selector="#send-report", times=4, pause=150):
    """Click `selector` `times` times in quick succession: a rage click."""
    for _ in range(times):
        page.click(selector, delay=20)
        page.wait_for_timeout(pause)


def open_player(page, base_url, session):
    """Open `session`'s replay player, wait until it is ready, and return its rrweb frame's
    element and content frame."""
    page.goto(f"{base_url}/admin/cityux/replays/{session.pk}/")
    page.wait_for_selector("[data-cityux-replay][data-replay-ready=true]")
    frame_element = page.wait_for_selector("[data-replay-target] iframe")
    return frame_element, frame_element.content_frame()


def open_click_map(page, base_url, report_page, markers=True):
    """Open `report_page`'s UX report at its click map and return the map's panel; with
    `markers`, wait until the map draws its first marker."""
    page.goto(f"{base_url}/admin/cityux/analytics/page/{report_page.pk}/")
    panel = page.locator("#cityux-clickmap")
    panel.scroll_into_view_if_needed()  # the frame loads lazily
    if markers:
        page.wait_for_selector("[data-cityux-clickmap-marker]")
    return panel


def licence_form_url(site):
    """The address of the demo's business licence form (the form residents resume)."""
    return site.url + FormPage.objects.get(slug=LICENCE_FORM_SLUG).url


def open_my_data(page, base_url):
    """The resident's My data page."""
    page.goto(f"{base_url}/cityux/my-data/")


def delete_my_data(page):
    """On My data: confirm and delete everything; the page says so."""
    page.get_by_label("Yes, delete all my data").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my data").click()
    assert page.get_by_role("heading", name="Your data was deleted").is_visible()


def resize(page, size):
    """Set the viewport to `size` and wait until the page has laid itself out again: two
    animation frames, so resize handlers have run and the transitions they start are running."""
    page.set_viewport_size(size)
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def axe_violations(page, selector="body", tags=None, frames=True):
    """axe-core's violations inside `selector`, as [(rule id, [targets])].

    axe is evaluated rather than added as a <script>: the site's Content-Security-Policy
    refuses inline scripts without its nonce, and DevTools evaluation is outside the policy.
    `tags` limits the rules (e.g. `WCAG22AA`); `frames=False` leaves frames out (a frame that
    allows no script cannot run axe).
    """
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` for the accessibility checks.")
    # Contrast is judged on what the resident ends up seeing, not a frame of a fade-in.
    page.evaluate(
        """() => Promise.race([
            Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))),
            new Promise((done) => setTimeout(done, 2000)),
        ])"""
    )
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async ([selector, tags, frames]) => {
            const options = {iframes: frames};
            if (tags) options.runOnly = {type: "tag", values: tags};
            const results = await axe.run(selector, options);
            return results.violations.map((v) => [v.id, v.nodes.map((n) => n.target.join(" "))]);
        }""",
        [selector, tags, frames],
    )
