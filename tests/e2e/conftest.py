"""The browser harness: Playwright driving Debian's Chromium against pytest-django's live server.

Every app's browser tests use the `page` fixture (a fresh browser context per test) and the
`city_site` fixture (the reference site built by `cityux_demo`, behind `live_server`).
"""

import os
import time
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, seed_city  # noqa: F401 (re-exported)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are plain synchronous calls, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marker
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


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


SNAPSHOT_PREFIX = "e2e_snapshot__"
_snapshot_tables = []


def _quoted_tables(connection):
    quote = connection.ops.quote_name
    return [
        (quote(table), quote(SNAPSHOT_PREFIX + table))
        for table in sorted(connection.introspection.django_table_names(only_existing=True))
    ]


def _take_snapshot(connection):
    """Copy every table of the freshly built demo beside it, inside the test database.

    The copies are not Django tables, so the flush after each transactional test leaves them.
    """
    tables = _quoted_tables(connection)
    with connection.cursor() as cursor:
        for table, copy in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table}")
    _snapshot_tables[:] = tables


def _restore_snapshot(connection):
    """Empty every table and fill it from the demo's copy, in one transaction."""
    style = no_style()
    names = [table for table, _ in _snapshot_tables]
    with transaction.atomic(), connection.cursor() as cursor:
        flush = connection.ops.sql_flush(
            style,
            connection.introspection.django_table_names(only_existing=True),
            allow_cascade=True,
        )
        for statement in flush:
            cursor.execute(statement)
        for table, copy in _snapshot_tables:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {copy}")
        for statement in connection.ops.sequence_reset_sql(style, django_apps.get_models()):
            cursor.execute(statement)
    return names


@pytest.fixture
def city_site(transactional_db, live_server, browser):
    """The reference city site, seeded the way `cityux_demo` seeds it, served by live_server.

    The demo is built once per test run and restored from a copy in the database for every
    other test: building it takes several seconds, restoring it a fraction of one.
    """
    if _snapshot_tables:
        _restore_snapshot(connection)
    else:
        seed_city()
        call_command("cityux_demo", "--no-traffic", verbosity=0)
        _take_snapshot(connection)
    seed_city()  # the demo changed pages and groups: drop the cached maps again
    yield live_server
    # Close the pages and let the server finish what they sent on the way out (beacons),
    # before the database is flushed under it.
    for context in browser.contexts:
        context.close()
    _let_the_server_finish(live_server)


def _let_the_server_finish(live_server, quiet_for=0.3, at_most=3.0):
    """Wait until the live server has had no request in progress for `quiet_for` seconds
    (the beacons of the pages just closed), but no longer than `at_most` seconds."""
    server = live_server.thread.httpd
    quiet_since = started = time.monotonic()
    while time.monotonic() - started < at_most:
        now = time.monotonic()
        if any(thread.is_alive() for thread in list(getattr(server, "_threads", None) or ())):
            quiet_since = now
        elif now - quiet_since >= quiet_for:
            return
        time.sleep(0.02)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot into $CITYUX_SCREENSHOT_DIR (the README's images), if set."""
    target = os.environ.get("CITYUX_SCREENSHOT_DIR")

    def take(page, name):
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=False)

    return take
