"""The reference project deployed the way the README says: `collectstatic` with the production
settings, `migrate`, then `gunicorn cityux.site.wsgi` alone (WhiteNoise serving the static files),
with DEBUG off, answering the pages a resident and an editor open first.

Everything runs in subprocesses against a temporary STATIC_ROOT and a new SQLite file, so the
test sees what a city's server sees, not what the test settings allow. With DATABASE_URL set
to PostgreSQL it deploys on a new PostgreSQL database instead; `make test` runs this module once,
in that PostgreSQL pass (the database a city's server runs on), not also in the SQLite pass.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

pytestmark = pytest.mark.standalone

ROOT = Path(__file__).resolve().parents[2]
STATIC_SOURCES = ROOT / "cityux_analytics/static/cityux_analytics"
POTHOLE = "/public-works/report-a-pothole/"
# Accepted far in the future, so it is never older than the analytics group's version.
ANALYTICS_CONSENT = {"cookie_consent": "analytics=9999-12-31T00:00:00.000000Z"}
# The environment each served site runs with, by base URL (for management commands beside it).
DEPLOYED_ENV = {}
# Drain what the collect endpoint queued and print the URL of every page view stored.
STORED_PAGE_VIEWS = (
    "from cityux_analytics.tasks import drain_collect_buffer, drain_spool; "
    "from cityux_analytics.models import PageView; "
    "drain_collect_buffer(); drain_spool(); "
    "print(*PageView.objects.values_list('url', flat=True))"
)
SEED_SURVEYS = (
    "from cityux_analytics.surveys.demo import ensure_demo_surveys; "
    "ensure_demo_surveys(responses_per_day=0)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def new_database(tmp_path):
    """A new, empty database: a SQLite file, or a PostgreSQL database beside DATABASE_URL's
    (named after it with a `_production` suffix and the xdist process, dropped afterwards) when
    that is PostgreSQL."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    server = urlsplit(configured)
    # One per pytest-xdist process (PYTEST_XDIST_WORKER: gw0, gw1, ...), as pytest-django does.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = server.path.lstrip("/") + "_production" + (f"_{worker}" if worker else "")
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(server._replace(path="/" + name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_environment(tmp_path, database_url):
    """What a city's server sets: the variables cityux/settings/production.py requires, plain
    HTTP because the test has no TLS proxy in front (proxies are covered elsewhere)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cityux.settings.production",
        PYTHONPATH=str(ROOT),
        SECRET_KEY="production-smoke-test-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=database_url,
    )
    # Batches go to a real broker, never to whatever AMQP server happens to be on localhost.
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    return env


def manage(env, *args):
    """Run a management command; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_until_serving(url, server, log):
    """Poll until gunicorn answers; fail with its log if it exits or never comes up."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            requests.get(url, timeout=60)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.25)
    pytest.fail(f"gunicorn did not answer within 120 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def deployed_site(tmp_path_factory):
    """The reference site collected, migrated, seeded and served by gunicorn; its base URL."""
    tmp_path = tmp_path_factory.mktemp("production")
    with new_database(tmp_path) as database_url:
        env = production_environment(tmp_path, database_url)
        for base_url in serve(env, tmp_path):
            DEPLOYED_ENV[base_url] = env
            yield base_url


def serve(env, tmp_path):
    """Collect, migrate, seed, start gunicorn; yield its base URL, stop it afterwards."""
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "cityux_demo", "--no-traffic", "--verbosity", "0")
    manage(env, "shell", "--command", SEED_SURVEYS)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cityux.site.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
            ],
            env=env,
            cwd=tmp_path,  # not the checkout: nothing may be found by accident beside the code
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url + "/", server, log)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(url, **kwargs):
    return requests.get(url, timeout=30, allow_redirects=False, **kwargs)


def static_url(html, name):
    """The hashed URL `{% static name %}` wrote into the page, e.g. survey.0a1b2c3d4e5f.js."""
    stem, dot, suffix = name.rpartition(".")
    match = re.search(rf"/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{suffix}", html)
    assert match, f"no hashed URL for {name} in the page"
    return match.group(0)


def test_the_home_page_is_served_with_hashed_static_files(deployed_site):
    response = get(deployed_site + "/")
    assert response.status_code == 200
    assert "City of Riverton" in response.text
    assert static_url(response.text, "cityux/consent.js")


def test_the_home_page_sends_the_content_security_and_permissions_policies(deployed_site):
    response = get(deployed_site + "/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_admin_login_page_is_served(deployed_site):
    response = get(deployed_site + "/admin/login/")
    assert response.status_code == 200
    assert "Sign in" in response.text
    assert static_url(response.text, "wagtailadmin/css/core.css")


def test_the_cookie_settings_page_is_served(deployed_site):
    response = get(deployed_site + "/cityux/cookies/")
    assert response.status_code == 200
    assert "Cookie settings" in response.text


def test_a_consenting_resident_gets_the_tracker_script(deployed_site):
    page = get(deployed_site + "/", cookies=ANALYTICS_CONSENT)
    tracker = get(deployed_site + static_url(page.text, "cityux_analytics/tracker.min.js"))
    assert tracker.status_code == 200
    assert tracker.content == (STATIC_SOURCES / "tracker.min.js").read_bytes()


def test_a_page_with_a_survey_serves_the_widget_and_its_survey(deployed_site):
    page = get(deployed_site + POTHOLE)
    assert page.status_code == 200
    widget = get(deployed_site + static_url(page.text, "cityux_analytics/survey.js"))
    assert widget.content == (STATIC_SOURCES / "survey.js").read_bytes()
    active = get(deployed_site + "/cityux/surveys/active/", params={"path": POTHOLE})
    assert active.status_code == 200
    titles = [survey["title"] for survey in active.json()["surveys"]]
    assert "Having trouble reporting a pothole?" in titles


def test_hashed_static_files_are_compressed_and_cached_for_good(deployed_site):
    page = get(deployed_site + "/admin/login/")
    url = static_url(page.text, "wagtailadmin/css/core.css")
    response = get(deployed_site + url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/css")


@pytest.mark.browser
def test_a_resident_s_clicks_reach_the_database_through_gunicorn_and_the_fast_path(
    deployed_site, browser
):
    """A real browser on the gunicorn-served site: the banner's consent, the tracker's batch
    answered by `CollectFastPath` (no page middleware: no document policy on the 204), then
    drained into the database by the production settings."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(deployed_site + POTHOLE)
        with page.expect_navigation():
            page.get_by_role("button", name="Accept all").click()
        page.wait_for_function("() => document.querySelector('script[data-collect]')")
        for _ in range(3):
            page.click("main h1", delay=20)
        with page.expect_response(
            lambda r: "/cityux/collect/" in r.url and r.request.method == "POST"
        ) as answer:
            page.goto(deployed_site + "/")  # leaving flushes the batch
        collect = answer.value
    finally:
        context.close()
    assert collect.status == 204
    page_headers = get(deployed_site + "/").headers
    assert "Content-Security-Policy" in page_headers
    assert "content-security-policy" not in collect.headers  # the fast path answered

    stored = manage(DEPLOYED_ENV[deployed_site], "shell", "--command", STORED_PAGE_VIEWS)
    assert POTHOLE in stored.split()
