"""`make demo`'s steps on a fresh SQLite file, served by runserver as a newcomer would run it."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

# Builds its own site and SQLite database whatever DATABASE_URL says: CI runs it once.
pytestmark = pytest.mark.standalone

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("demo")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", CELERY_BROKER_URL="")

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    manage("migrate", "--noinput")
    first = manage("cityux_demo")
    manage("cityux_demo")  # idempotent: a second run must not fail
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield base, first.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_demo_prints_the_urls_and_logins(demo_server):
    _, printed = demo_server
    for text in ("http://127.0.0.1:8000/admin/", "admin", "cityux-admin", "lead", "cityux-lead"):
        assert text in printed
    assert re.search(r"Seeded in \d+\.\d s\.", printed)


def test_newcomer_logs_in_and_sees_city_ux_with_22_departments(demo_server):
    base, _ = demo_server
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    home = opener.open(base + "/").read().decode()
    assert "City of Riverton" in home and "Cookie settings" in home
    assert opener.open(base + "/static/cityux/consent.css").status == 200
    login_page = opener.open(base + "/admin/login/").read().decode()
    token = login_page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    form = urlencode(
        {"csrfmiddlewaretoken": token, "username": "admin", "password": "cityux-admin"}
    ).encode()
    request = urllib.request.Request(base + "/admin/login/", data=form)
    request.add_header("Referer", base + "/admin/login/")
    opener.open(request)
    overview = opener.open(base + "/admin/cityux/?export=csv").read().decode()
    assert len(overview.strip().splitlines()) == 1 + 22
    assert "City UX" in opener.open(base + "/admin/cityux/").read().decode()


def _login(base, username, password):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    login_page = opener.open(base + "/admin/login/").read().decode()
    token = login_page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    request = urllib.request.Request(base + "/admin/login/", data=urlencode(form).encode())
    request.add_header("Referer", base + "/admin/login/")
    opener.open(request)
    return opener


def _edit_url(opener, base, listing, name):
    """The edit URL of the row called `name` in a snippet listing (as the admin sees it)."""
    html = opener.open(f"{base}{listing}").read().decode()
    row = rf'href="({re.escape(listing)}edit/\d+/)">\s*<span[^>]*>{re.escape(name)}<'
    return re.search(row, html)[1]


def _status(opener, url):
    try:
        return opener.open(url).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("listing", "own", "other"),
    [
        (
            "/admin/snippets/cityux_analytics/survey/",
            "Having trouble reporting a pothole?",
            "Report a problem with this page",
        ),
        ("/admin/snippets/cityux_personalize/segment/", "Riverside residents", "Business owners"),
    ],
)
def test_the_demo_lead_opens_their_departments_survey_and_segment_not_anothers(
    demo_server, listing, own, other
):
    base, _ = demo_server
    admin = _login(base, "admin", "cityux-admin")
    lead = _login(base, "lead", "cityux-lead")
    assert _status(lead, base + _edit_url(lead, base, listing, own)) == 200
    assert _status(lead, base + _edit_url(admin, base, listing, other)) == 403
