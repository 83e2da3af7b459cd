"""`{% cityux_head %}` / `{% cityux_body %}`: each piece only with its app and the consent."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory

from cityux.consent import ANALYTICS

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

PAGE = Template("{% load cityux_front %}<head>{% cityux_head %}</head><body>{% cityux_body %}")
TRACKER = "cityux_analytics/tracker.min.js"
SURVEY = "cityux_analytics/survey.js"
PERSONALIZE_CSS = "cityux_personalize/personalize.css"
BANNER = 'id="cityux-consent"'


@pytest.fixture
def consent_cookie(client, city):
    client.post("/cityux/cookies/", {"action": "save", "groups": [ANALYTICS]})
    return client.cookies[settings.COOKIE_CONSENT_NAME].value


def render(cookie=None, message=None):
    request = RequestFactory().get("/permits/")
    if cookie:
        request.COOKIES[settings.COOKIE_CONSENT_NAME] = cookie
    request.session = {}
    request._messages = FallbackStorage(request)
    if message:
        request._messages.add(20, message)
    return PAGE.render(Context({"request": request, "messages": request._messages}))


SCRIPT = """
import django, os
django.setup()
from tests.cityux.test_front_tags import render
print(render(os.environ["CITYUX_TEST_CONSENT"]))
"""


def without(consent_cookie, *labels):
    """The pair rendered on a site without `labels` (tests/bare_site_settings.py), in a
    process of its own, reading this test's database (the consent groups)."""
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.bare_site_settings",
        DATABASE_URL=url,
        PYTHONPATH=str(ROOT),
        CITYUX_BARE_DROP=",".join(labels),
        CITYUX_BARE_XFO="SAMEORIGIN",
        CITYUX_TEST_CONSENT=consent_cookie,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_everything_with_consent_and_all_apps(consent_cookie):
    html = render(consent_cookie, message="Your area is saved.")
    head, body = html.split("</head>")
    assert TRACKER in head and PERSONALIZE_CSS in head
    assert BANNER in body and SURVEY in body
    assert 'class="site-messages" role="status"' in body and "Your area is saved." in body


def test_no_tracker_without_consent_and_the_banner_asks(city):
    html = render()
    assert TRACKER not in html and BANNER in html and " hidden" not in html.split(BANNER)[1][:5]


def test_without_analytics_no_tracker_and_no_survey_widget(consent_cookie):
    html = without(consent_cookie, "cityux_analytics")
    assert TRACKER not in html and SURVEY not in html
    assert PERSONALIZE_CSS in html and BANNER in html


def test_without_personalisation_no_stylesheet(consent_cookie):
    html = without(consent_cookie, "cityux_personalize")
    assert PERSONALIZE_CSS not in html and TRACKER in html and BANNER in html


def test_without_social_nothing_changes(consent_cookie):
    html = without(consent_cookie, "cityux_social")
    assert TRACKER in html and SURVEY in html and PERSONALIZE_CSS in html


def test_with_the_core_alone_only_the_banner(consent_cookie):
    html = without(consent_cookie, "cityux_analytics", "cityux_personalize", "cityux_social")
    assert BANNER in html
    assert TRACKER not in html and SURVEY not in html and PERSONALIZE_CSS not in html


def test_the_reference_site_uses_the_pair(client, consent_cookie):
    html = client.get("/cityux/personalize/area/").content.decode()  # on the site's base.html
    head, body = html.split("</head>")
    assert head.count(TRACKER) == 1 and head.count(PERSONALIZE_CSS) == 1
    assert body.count(SURVEY) == 1 and body.count(BANNER) == 1 and "Skip to main content" in body
