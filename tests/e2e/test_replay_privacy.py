"""Replays never carry a resident's data: a resident fills in a form, sees their answers shown
back, gets a "continue on another device" code and opens their data page, with the recorder on
for the whole visit. The stored bytes are then searched for what they typed and the code."""

import json
import zlib

import pytest
from django.apps import apps
from django.db import models

from cityux_analytics.models import RawEvent, ReplayChunk, TrackedSession
from tests.e2e.helpers import accept_all, licence_form_url, log_in, open_my_data, open_player
from tests.e2e.test_resume_and_mydata import type_business_name

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.cityux_analytics.replay_urls"),
]
BUSINESS = "Quillfeather Bakery"
OWNER = "Ottoline Marchbanks"
EMAIL = "ottoline.private@example.org"
POTHOLE = "/public-works/report-a-pothole/"
RECORDING = "() => window.rrwebRecord !== undefined && window.cityuxReplay === true"


def _uploaded(page):
    """Wait for the recorder's next upload to be stored."""
    return page.expect_response(
        lambda r: "/cityux/replay/" in r.url and r.status == 204, timeout=15_000
    )


def _fill_the_rest_of_the_form(page):
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Phone number").fill("555 010 4477")
    page.get_by_label("Type of business").select_option("Retail shop")
    page.get_by_label("Business address").fill("12 Mill Lane")
    page.get_by_label("Date you plan to open").fill("2030-05-01")
    page.get_by_label("What will your business do?").fill("Bread and cakes")


def _stored_chunks():
    """Every replay chunk as stored: zlib-compressed JSON, decompressed here."""
    return [
        zlib.decompress(bytes(data)).decode()
        for data in ReplayChunk.objects.values_list("data", flat=True)
    ]


def _cityux_columns():
    """Every text and JSON column of every table of the CityUX apps, as text."""
    texts = []
    for model in apps.get_models():
        if not model._meta.app_label.startswith("cityux"):
            continue
        columns = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model.objects.values_list(*columns) if columns else []:
            texts.extend(json.dumps(value, default=str) for value in row)
    return texts


def test_a_replay_holds_nothing_the_resident_typed_saw_back_or_was_given(
    city_site, new_context, settings
):
    settings.CITYUX_ANALYTICS = {"REPLAY_MODE": "sample", "REPLAY_SAMPLE_PERCENT": 100}
    page = new_context().new_page()
    page.goto(licence_form_url(city_site))
    accept_all(page)
    page.wait_for_function(RECORDING)

    # Typed into the form, saved as a draft, and a code to continue on another device.
    type_business_name(page, BUSINESS)
    page.get_by_label("Owner's full name").fill(OWNER)
    with _uploaded(page):
        page.get_by_role("button", name="Get a code").click()
        code = page.locator(".cityux-resume__code").inner_text()
    assert len(code) == 9

    # My data shows the draft back: a page about the resident, left out of the recording.
    with _uploaded(page):
        open_my_data(page, city_site.url)
    assert page.get_by_text(BUSINESS).first.is_visible()

    # Back to the form (the draft fills it in), sent; the next page shows the answers back.
    page.goto(licence_form_url(city_site))
    page.wait_for_function(RECORDING)
    assert page.get_by_label("Business name").input_value() == BUSINESS
    _fill_the_rest_of_the_form(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    answers = page.locator(".confirmation__answers")
    assert answers.get_by_text(BUSINESS).is_visible() and answers.get_by_text(OWNER).is_visible()
    page.wait_for_function(RECORDING)
    with _uploaded(page):
        pass  # the confirmation page, recorded

    with _uploaded(page):
        page.goto(city_site.url + POTHOLE)
        page.wait_for_function(RECORDING)
    with page.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        page.goto(city_site.url + "/")  # leaving flushes the tracker's last batch

    chunks = _stored_chunks()
    recorded = "\n".join(chunks)
    # The recording is real: the form, the confirmation and the pothole page are in it.
    assert "Apply for a business licence" in recorded
    assert "Application received" in recorded
    assert "Report a pothole" in recorded
    assert RawEvent.objects.exists()
    secrets = (BUSINESS, OWNER, EMAIL, code, code.replace("-", ""), "Your data")
    stored = chunks + _cityux_columns()
    for secret in secrets:
        leaks = [text[:80] for text in stored if secret.lower() in text.lower()]
        assert not leaks, f"{secret!r} was stored: {leaks}"

    # The player shows a placeholder where the page about the resident was.
    session = TrackedSession.objects.get(replay_chunks__seq=0)
    log_in(page, city_site.url, "admin")
    open_player(page, city_site.url, session)
    placeholder = page.locator("[data-replay-blocked]")
    assert placeholder.is_hidden()
    page.locator("[data-replay-blocked-marker]").first.click()
    placeholder.wait_for(state="visible")
    assert "This page is not recorded: it shows the resident's own data." in (
        placeholder.inner_text()
    )
    assert page.get_by_text("1 page of this session was not recorded.").is_visible()
