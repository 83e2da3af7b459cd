"""Steps the browser tests share: signing in, consenting, and asking axe-core what is wrong."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"

# WCAG 2.2 AA as axe-core tags it: every A and AA rule of 2.0, 2.1 and 2.2.
WCAG22AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DEMO_LOGINS = {"admin": "cityux-admin", "lead": "cityux-lead"}


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
