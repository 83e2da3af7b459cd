"""Deletion is final: "Delete my data" in one tab while another tab's tracker and recorder are
still sending over a slow network leaves no row of that visitor or its sessions anywhere."""

import json
import uuid
import zlib

import pytest
from django.apps import apps
from django.db import models

from cityux_analytics.models import ReplayChunk, TrackedSession
from cityux_analytics.tasks import drain_spool, process_sessions
from cityux_personalize.tasks import flush_exposures
from tests.e2e.helpers import accept_all, delete_my_data, licence_form_url, open_my_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.cityux_analytics.replay_urls"),
]
BUSINESS = "Quillwort Bakery"
COLLECT, REPLAY = "/cityux/collect/", "/cityux/replay/"
SESSION_ID = "() => JSON.parse(sessionStorage.getItem('cityux.session') || 'null')?.id"


@pytest.fixture(autouse=True)
def record_every_session(settings):
    settings.CITYUX_ANALYTICS = {"REPLAY_MODE": "sample", "REPLAY_SAMPLE_PERCENT": 100}


def cityux_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name == "cityux" or config.name.startswith("cityux_")
        for model in config.get_models()
    ]


def stored_values():
    """Every stored value of every CityUX table as text (replay chunks decompressed)."""
    for model in cityux_models():
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(field, models.BinaryField) and value:
                    value = as_text(bytes(value))
                elif isinstance(field, models.JSONField):
                    value = json.dumps(value)
                yield model._meta.label, field.name, str(value)


def as_text(data):
    """Replay chunks are zlib-compressed JSON; other bytes (pickled models) are searched raw."""
    try:
        return zlib.decompress(data).decode()
    except zlib.error:
        return data.decode("latin-1")


def leftovers(needles):
    return sorted(
        (label, field, needle)
        for label, field, text in stored_values()
        for needle in needles
        if needle.lower() in text.lower()
    )


def busy(page, times=3):
    """Give the tracker and the recorder something to send."""
    for _ in range(times):
        page.get_by_role("heading").first.click()
        page.mouse.move(300, 300)
        page.mouse.move(500, 400)
        page.wait_for_timeout(400)


def is_collect(status=None):
    return lambda r: COLLECT in r.url and (status is None or r.status == status)


def test_deleting_my_data_while_another_tab_is_recording_leaves_no_row_behind(
    city_site, new_context
):
    context = new_context()
    form = context.new_page()
    form.goto(licence_form_url(city_site))
    accept_all(form)
    form.wait_for_function("() => window.rrwebRecord !== undefined && window.cityuxReplay")
    with form.expect_response(lambda r: "/cityux/resume/drafts/" in r.url):
        form.get_by_label("Business name").fill(BUSINESS)
    with (
        form.expect_response(is_collect(204), timeout=20_000),
        form.expect_response(lambda r: REPLAY in r.url and r.status == 204, timeout=20_000),
    ):
        busy(form, times=12)
    visitor_id = uuid.UUID(next(c["value"] for c in context.cookies() if c["name"] == "cityux_vid"))
    form_sid = form.evaluate(SESSION_ID)
    assert TrackedSession.objects.get(sid=form_sid).visitor_id == visitor_id
    assert ReplayChunk.objects.filter(session__sid=form_sid).exists()

    # The network turns slow: the form tab's next batch and recording wait on the way.
    held = []
    form.route(f"**{COLLECT}", lambda route: held.append(route))
    form.route(f"**{REPLAY}", lambda route: held.append(route))
    with (
        form.expect_request(is_collect(), timeout=20_000),
        form.expect_request(lambda r: REPLAY in r.url, timeout=20_000),
    ):
        busy(form, times=12)

    my_data = context.new_page()
    open_my_data(my_data, city_site.url)
    assert my_data.get_by_text(BUSINESS).is_visible()
    old_sids = {form_sid, my_data.evaluate(SESSION_ID)} - {None} | set(
        TrackedSession.objects.filter(visitor_id=visitor_id).values_list("sid", flat=True)
    )
    delete_my_data(my_data)

    # What waited arrives after the deletion: refused, and the tab starts a new session.
    with form.expect_response(is_collect(410), timeout=20_000):
        for route in held:
            route.continue_()
    form.unroute(f"**{COLLECT}")
    form.unroute(f"**{REPLAY}")
    form.wait_for_function(f"(old) => ({SESSION_ID})() && ({SESSION_ID})() !== old", arg=form_sid)
    with form.expect_response(is_collect(204), timeout=20_000):
        busy(form, times=12)
    new_sid = form.evaluate(SESSION_ID)
    with my_data.expect_response(is_collect(), timeout=20_000):
        busy(my_data, times=12)

    # A full drain: nothing may bring anything back.
    drain_spool()
    process_sessions()
    flush_exposures()
    assert not TrackedSession.objects.filter(sid__in=old_sids).exists()
    assert new_sid not in old_sids
    recorded = ReplayChunk.objects.filter(session__sid=new_sid)
    assert not recorded.exists(), "the recorder kept recording after the deletion"
    assert leftovers([str(visitor_id), visitor_id.hex, BUSINESS, *old_sids]) == []
