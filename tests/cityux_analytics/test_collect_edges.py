"""Edges of `POST /cityux/collect/` that the mutation run found untested (issue 19).

Through Django's handler: the view in cityux_analytics/views/collect.py is what these pin.
"""

import pytest

from cityux.tombstones import forget
from cityux_analytics.models import RawEvent, TrackedSession
from cityux_analytics.schema import MAX_BATCH_BYTES
from tests.cityux_analytics.factories import body, new_sid, view

pytestmark = pytest.mark.django_db

URL = "/cityux/collect/"


def _post(client, data, origin="http://testserver"):
    return client.post(URL, data, content_type="application/json", headers={"Origin": origin})


def _padded(size):
    """A valid batch of exactly `size` bytes, padded with spaces before its closing brace (so a
    body read short is not valid JSON)."""
    data = body([view("/")])
    return data[:-1] + b" " * (size - len(data)) + b"}"


def test_a_batch_of_exactly_the_size_limit_is_taken_and_one_byte_more_is_refused(
    consented_client,
):
    assert _post(consented_client, _padded(MAX_BATCH_BYTES)).status_code == 204
    assert RawEvent.objects.count() == 1

    response = _post(consented_client, _padded(MAX_BATCH_BYTES + 1))
    assert response.status_code == 400
    assert response.json() == {"error": f"batch is larger than {MAX_BATCH_BYTES} bytes"}
    assert RawEvent.objects.count() == 1


def test_an_origin_listed_in_allowed_origin_hosts_is_taken_and_others_refused(
    consented_client, settings
):
    settings.CITYUX_ANALYTICS = {"ALLOWED_ORIGIN_HOSTS": ("www.city.example",)}

    assert _post(consented_client, body([view("/")]), "https://www.city.example").status_code == 204
    refused = _post(consented_client, body([view("/")]), "https://shop.city.example")
    assert refused.status_code == 403
    assert RawEvent.objects.count() == 1


def test_a_batch_of_a_deleted_session_gets_410_and_a_live_one_204(consented_client):
    gone, live = new_sid(), new_sid()
    forget(None, [gone])

    response = _post(consented_client, body([view("/")], sid=gone))
    assert response.status_code == 410
    assert response.json() == {"error": "This session was deleted; start a new one."}
    assert _post(consented_client, body([view("/")], sid=live)).status_code == 204
    assert list(TrackedSession.objects.values_list("sid", flat=True)) == [live]
