"""The browser harness: Playwright driving Debian's Chromium against pytest-django's live server.

Every app's browser tests use the `page` fixture (a fresh browser context per test) and the
`city_site` fixture (the reference site built by `cityux_demo`, behind `live_server`).
"""

import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import seed_city

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are plain synchronous calls, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run `make chromium` "
            "(apt-get install chromium). They are never skipped."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Open browser contexts (e.g. one per device, or with extra headers); all closed after."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def city_site(transactional_db, live_server, browser):
    """The reference city site, seeded the way `cityux_demo` seeds it, served by live_server."""
    seed_city()
    call_command("cityux_demo", "--no-traffic", verbosity=0)
    seed_city()  # the demo changed pages and groups: drop the cached maps again
    yield live_server
    # Close the pages and let the server finish what they sent on the way out (beacons),
    # before the database is flushed under it.
    for context in browser.contexts:
        context.close()
    time.sleep(1)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot into $CITYUX_SCREENSHOT_DIR (the README's images), if set."""
    target = os.environ.get("CITYUX_SCREENSHOT_DIR")

    def take(page, name):
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=False)

    return take
