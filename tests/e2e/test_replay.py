"""Session replay on the reference site: buffered in the browser, uploaded on frustration, masked,
and played in the admin without running anything the recorded page contained."""

import datetime
import json
import zlib

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from cityux.models import Department
from cityux.site.demo_content import LICENCE_FORM_SLUG
from cityux.site.models import FormPage
from cityux_analytics import pipeline
from cityux_analytics.models import ReplayChunk, TrackedSession
from cityux_analytics.replay.views import store_chunk
from tests.e2e.helpers import accept_and_wait_for_the_recorder, log_in, open_player

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.cityux_analytics.replay_urls"),
]
POTHOLE = "/public-works/report-a-pothole/"
TYPED_SECRET = "Zebracorn4711"
MASKED_SECRET = "Quokkafish0815"
EMAIL = "resident.hidden@example.org"

# What a resident's page may hold: a form field, a marked element, an e-mail address in text,
# an inline script, and a button that is clicked in anger.
RESIDENT_PAGE = """() => {
    const main = document.querySelector('main');
    const field = document.createElement('input');
    field.id = 'your-name';
    field.placeholder = 'Your name, e.g. Jane Roe';
    const marked = document.createElement('div');
    marked.id = 'case-notes';
    marked.dataset.cityuxMask = '';
    marked.contentEditable = 'true';
    marked.textContent = 'Notes: ';
    const contact = document.createElement('p');
    contact.textContent = 'Write to EMAIL';
    const button = document.createElement('button');
    button.id = 'send-report';
    button.textContent = 'Send report';
    const script = document.createElement('script');
    script.textContent = "window.parent.__cityuxScriptRan = true;"
        + "document.title = 'script ran'; navigator.sendBeacon('/cityux-script-ran/');";
    main.prepend(field, marked, contact, button, script);
}""".replace("EMAIL", EMAIL)


def _replay_requests(page):
    seen = []
    page.on("request", lambda r: seen.append(r) if "/cityux/replay/" in r.url else None)
    return seen


def _stored_text():
    """Every stored replay event (decompressed) and every text column of every table."""
    texts = [
        zlib.decompress(bytes(data)).decode()
        for data in ReplayChunk.objects.values_list("data", flat=True)
    ]
    for model in apps.get_models():
        columns = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField))
        ]
        for row in model.objects.values_list(*columns) if columns else []:
            texts.extend(str(value) for value in row)
    return "\n".join(texts)


def test_rage_clicks_upload_a_masked_replay_that_plays_for_the_departments_lead(city_site, page):
    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    page.evaluate(RESIDENT_PAGE)
    page.click("#your-name")
    page.keyboard.type(TYPED_SECRET, delay=10)
    page.click("#case-notes")
    page.keyboard.press("End")
    page.keyboard.type(MASKED_SECRET, delay=10)
    page.wait_for_timeout(300)
    with page.expect_response(lambda r: "/cityux/replay/" in r.url and r.status == 204):
        for _ in range(4):
            page.click("#send-report", delay=20)
            page.wait_for_timeout(150)
    page.wait_for_timeout(5500)  # a live upload after the buffer
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        page.goto(city_site.url + "/")  # leaving flushes the tracker's batch
    page.wait_for_timeout(500)

    session = TrackedSession.objects.get(replay_chunks__isnull=False, replay_chunks__seq=0)
    pipeline.process_closed_sessions(now=timezone.now() + datetime.timedelta(minutes=31))
    session.refresh_from_db()
    assert session.department == Department.objects.get(slug="public-works")
    assert session.signals.filter(kind="rage_click").exists()

    stored = _stored_text()
    for secret in (TYPED_SECRET, MASKED_SECRET, EMAIL, "Jane Roe"):
        assert secret not in stored, f"{secret!r} was stored"
    events = [event for chunk in session.replay_chunks.all() for event in chunk.events]
    assert any(event["type"] == 2 for event in events), "no full snapshot in the replay"
    assert "Send report" in json.dumps(events)  # page text that is not private is kept

    log_in(page, city_site.url)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    frame_element, frame = open_player(page, city_site.url, session)
    assert "allow-scripts" not in (frame_element.get_attribute("sandbox") or "")
    frame.wait_for_selector("main", state="attached")  # the recorded page, rebuilt
    page.locator("[data-replay-jump]").first.click()  # to the rage clicks
    frame.wait_for_selector("#send-report", state="attached")
    assert frame.locator("#send-report").text_content() == "Send report"
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__cityuxScriptRan") is None
    assert not any("cityux-script-ran" in url for url in requests)


def test_a_visit_without_frustration_uploads_nothing(city_site, page):
    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    sent = _replay_requests(page)
    page.click("main h1")
    page.wait_for_timeout(1100)
    page.click("main h1")
    page.wait_for_timeout(5500)
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        page.goto(city_site.url + "/")
    page.wait_for_timeout(500)
    assert sent == []
    assert not ReplayChunk.objects.exists()


def _forged_events(start):
    """A recording a hostile page could send: a live script and an inline event handler."""
    hostile = "window.parent.__cityuxScriptRan = true; fetch('/cityux-script-ran/');"
    body = [
        {"type": 2, "tagName": "h1", "attributes": {}, "id": 6,
         "childNodes": [{"type": 3, "textContent": "Recorded page", "id": 7}]},
        {"type": 2, "tagName": "script", "attributes": {}, "id": 8,
         "childNodes": [{"type": 3, "textContent": hostile, "id": 9}]},
        {"type": 2, "tagName": "img", "id": 10, "childNodes": [],
         "attributes": {"src": "/missing.png", "onerror": hostile}},
    ]  # fmt: skip
    html = {"type": 2, "tagName": "html", "attributes": {}, "id": 3, "childNodes": [
        {"type": 2, "tagName": "head", "attributes": {}, "childNodes": [], "id": 4},
        {"type": 2, "tagName": "body", "attributes": {}, "childNodes": body, "id": 5},
    ]}  # fmt: skip
    document = {"type": 0, "id": 1, "childNodes": [
        {"type": 1, "name": "html", "publicId": "", "systemId": "", "id": 2}, html,
    ]}  # fmt: skip
    meta = {"href": "http://city.example/", "width": 800, "height": 600}
    snapshot = {"node": document, "initialOffset": {"left": 0, "top": 0}}
    move = {"source": 1, "positions": [{"x": 5, "y": 5, "id": 5, "timeOffset": 0}]}
    return [
        {"type": 4, "data": meta, "timestamp": start},
        {"type": 2, "data": snapshot, "timestamp": start + 1},
        {"type": 3, "data": move, "timestamp": start + 2000},
    ]


def test_a_recorded_script_never_runs_in_the_admin_player(city_site, page):
    start = int(timezone.now().timestamp() * 1000)
    store_chunk({"v": 1, "sid": "forged-session-0000", "seq": 0, "events": _forged_events(start)})
    session = TrackedSession.objects.get(sid="forged-session-0000")
    log_in(page, city_site.url, "admin")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    frame_element, frame = open_player(page, city_site.url, session)
    assert "allow-scripts" not in (frame_element.get_attribute("sandbox") or "")
    frame.wait_for_selector("text=Recorded page")
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__cityuxScriptRan") is None
    assert not any("cityux-script-ran" in url for url in requests)


def _rage_click_until_uploaded(page):
    with page.expect_response(lambda r: "/cityux/replay/" in r.url and r.status == 204):
        for _ in range(4):
            page.click("#send-report", delay=20)
            page.wait_for_timeout(150)


SITE_PAGE = """() => {
    const main = document.querySelector('main');
    const account = document.createElement('p');
    account.className = 'account-number';
    account.textContent = 'Platypusvault';
    const button = document.createElement('button');
    button.id = 'send-report';
    button.textContent = 'Send report';
    main.prepend(account, button);
}"""


def test_the_sites_own_mask_selectors_are_masked_and_a_bad_one_is_ignored(
    city_site, page, settings
):
    settings.CITYUX_ANALYTICS = {"REPLAY_MASK_SELECTORS": ["p.account-number", "::nonsense(("]}
    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    page.evaluate(SITE_PAGE)
    page.wait_for_timeout(300)
    _rage_click_until_uploaded(page)
    stored = _stored_text()
    assert "Send report" in stored  # recording works despite the invalid selector
    assert "Platypusvault" not in stored


def test_by_default_only_the_sites_unmask_regions_keep_their_text(city_site, page):
    # A form page is not an unmasked page type: its header, intro and labels are marked as the
    # site's own words; anything else on it is masked.
    form = FormPage.objects.get(slug=LICENCE_FORM_SLUG)
    accept_and_wait_for_the_recorder(page, city_site.url + form.url)
    page.evaluate(SITE_PAGE)
    page.wait_for_timeout(300)
    _rage_click_until_uploaded(page)
    recorded = "\n".join(
        zlib.decompress(bytes(data)).decode()
        for data in ReplayChunk.objects.values_list("data", flat=True)
    )
    assert '"type":2' in recorded.replace(" ", "")  # a full snapshot of the page was recorded
    assert "Apply for a business licence" in recorded  # the page header, marked unmasked
    assert "Business name" in recorded  # a label, marked unmasked
    for text in ("Send report", "Platypusvault"):
        assert text not in recorded


def test_relaxed_masking_keeps_the_text_that_does_not_look_private(city_site, page, settings):
    settings.CITYUX_ANALYTICS = {"REPLAY_STRICT_MASKING": False}
    form = FormPage.objects.get(slug=LICENCE_FORM_SLUG)
    accept_and_wait_for_the_recorder(page, city_site.url + form.url)
    page.evaluate(SITE_PAGE)
    page.wait_for_timeout(300)
    _rage_click_until_uploaded(page)
    recorded = "\n".join(
        zlib.decompress(bytes(data)).decode()
        for data in ReplayChunk.objects.values_list("data", flat=True)
    )
    assert "Send report" in recorded and "Platypusvault" in recorded


def test_a_failed_upload_is_sent_again(city_site, page):
    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    page.evaluate(SITE_PAGE)
    page.wait_for_timeout(300)
    refused = []

    def refuse_first(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, body="")
        else:
            route.continue_()

    page.route("**/cityux/replay/", refuse_first)
    _rage_click_until_uploaded(page)  # the answer of the retry, 2 s after the refusal
    assert refused
    assert ReplayChunk.objects.filter(seq=0).exists()
