"""The Open311 duplicate lookup against the spec-validating fake, in JSON and XML: bounded on both
sides, both statuses, narrowed under the server's cap, split into the spec's 90-day windows; and
the system check of the OPEN311 setting."""

import datetime

import pytest

from cityux_social.tickets.georeport import attribute_pairs
from cityux_social.tickets.open311 import (
    Open311Client,
    Open311Error,
    ServiceRequest,
    with_reference,
)
from tests.cityux_social.fake_open311 import FakeOpen311
from tests.cityux_social.open311_spec import DEFINITIONS
from tests.cityux_social.test_open311_spec import JURISDICTION, LIGHT


@pytest.fixture(params=["json", "xml"])
def fmt(request):
    return request.param


@pytest.fixture
def server():
    with FakeOpen311(api_key="good-key", jurisdiction_id=JURISDICTION, hang_seconds=2) as fake:
        yield fake


@pytest.fixture
def client(server, fmt):
    return Open311Client(server.base_url, "good-key", JURISDICTION, timeout=1, fmt=fmt)


# -- the duplicate lookup -------------------------------------------------------------------


def test_the_lookup_is_bounded_on_both_sides_and_asks_for_both_statuses(server, client):
    client.post_request(LIGHT, submission_key="key-1", definition=DEFINITIONS["STREETLIGHT"])
    server.close_request("6001")
    since = datetime.datetime.now(datetime.UTC)
    assert client.find_request("STREETLIGHT", "key-1", since=since) == "6001"  # closed since
    query = server.received[-1].query
    start = datetime.datetime.fromisoformat(query["start_date"])
    end = datetime.datetime.fromisoformat(query["end_date"])
    assert start < since < end <= since + datetime.timedelta(minutes=11)
    assert query["status"] == "open,closed"
    assert query["jurisdiction_id"] == JURISDICTION


def test_the_lookup_narrows_until_the_answer_is_under_the_servers_cap(fmt):
    with FakeOpen311(api_key="k", cap=50) as busy:
        client = Open311Client(busy.base_url, "k", fmt=fmt, timeout=2, lookup_cap=50)
        request = ServiceRequest(service_code="POTHOLE", description="Mine", lat=1, long=2)
        client.post_request(request, submission_key="mine")
        mine = busy.service_requests["6001"]["requested_datetime"]
        mine = datetime.datetime.fromisoformat(mine)
        for minutes in range(1, 9):  # 8 × 20 newer requests by others, answered first
            busy.add_requests(20, "POTHOLE", at=mine + datetime.timedelta(minutes=minutes))
        assert client.find_request("POTHOLE", "mine", since=mine) == "6001"
        assert len([r for r in busy.received if r.path.startswith("/open311/v2/requests.")]) > 2
        assert client.find_request("POTHOLE", "another", since=mine) == ""


def test_a_window_too_busy_to_narrow_is_an_error_not_a_second_post(fmt):
    with FakeOpen311(api_key="k", cap=10) as busy:
        client = Open311Client(busy.base_url, "k", fmt=fmt, timeout=2, lookup_cap=10)
        now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        busy.add_requests(11, "POTHOLE", at=now)
        with pytest.raises(Open311Error, match="cannot be told, so it is not sent again"):
            client.find_request("POTHOLE", "mine", since=now)


def test_the_description_keeps_the_reference_within_the_limit():
    assert len(with_reference("x" * 5000, "key")) <= 4000


def test_multi_value_attributes_repeat_the_field():
    assert attribute_pairs({"A": "1", "B": ["x", "y"]}) == [
        ("attribute[A]", "1"),
        ("attribute[B][]", "x"),
        ("attribute[B][]", "y"),
    ]


def test_the_open311_setting_is_checked():
    from cityux_social.tickets.checks import open311_problems

    assert open311_problems({"ENDPOINT": "https://311.example.gov/v2", "FORMAT": "XML"}) == []
    assert open311_problems({"FORMAT": "yaml", "LOOKUP_CAP": 0, "TIMEOUT": -1, "PAGE": 2}) == [
        "CITYUX_SOCIAL['OPEN311'] has unknown keys: PAGE.",
        "CITYUX_SOCIAL['OPEN311']['FORMAT'] must be one of json, xml.",
        "CITYUX_SOCIAL['OPEN311']['LOOKUP_CAP'] must be a whole number ≥ 1.",
        "CITYUX_SOCIAL['OPEN311']['TIMEOUT'] must be a positive number.",
    ]


def test_a_wrong_format_fails_the_system_check(settings):
    from django.core.checks import run_checks

    settings.CITYUX_SOCIAL = {"OPEN311": {"FORMAT": "yaml"}}
    errors = [e for e in run_checks() if e.id == "cityux_social.E010"]
    assert [e.msg for e in errors] == [
        "CITYUX_SOCIAL['OPEN311']['FORMAT'] must be one of json, xml."
    ]


def test_a_lookup_over_90_days_is_searched_in_parts_the_spec_allows(server, client):
    client.post_request(LIGHT, submission_key="old", definition=DEFINITIONS["STREETLIGHT"])
    now = datetime.datetime.now(datetime.UTC)
    since = now - datetime.timedelta(days=200)
    assert client.find_request("STREETLIGHT", "old", since=since) == "6001"
    for received in server.received[1:]:
        start = datetime.datetime.fromisoformat(received.query["start_date"])
        end = datetime.datetime.fromisoformat(received.query["end_date"])
        assert end - start <= datetime.timedelta(days=90)
