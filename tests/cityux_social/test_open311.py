"""The Open311 GeoReport v2 client against the local spec-validating fake, in JSON and XML."""

import datetime
import uuid

import pytest

from cityux_social.tickets.open311 import (
    Open311Client,
    Open311Error,
    ServiceRequest,
    error_message,
    find_marked,
    reference_line,
    with_reference,
)
from tests.cityux_social.fake_open311 import FakeOpen311

POTHOLE = ServiceRequest(
    service_code="POTHOLE",
    description="Deep pothole outside the library",
    lat=45.5231,
    long=-122.6765,
    media_url="https://files.example.social/pothole.jpg",
)


@pytest.fixture
def server():
    with FakeOpen311(
        api_key="good-key", jurisdiction_id="city.example.gov", hang_seconds=3
    ) as fake:
        yield fake


@pytest.fixture(params=["json", "xml"])
def fmt(request):
    return request.param


@pytest.fixture
def client(server, fmt):
    return Open311Client(server.base_url, "good-key", "city.example.gov", timeout=0.5, fmt=fmt)


def test_post_sends_every_geo_report_field_form_encoded(server, client, fmt):
    client.post_request(POTHOLE, submission_key="k1")
    (post,) = server.posts
    assert post.path == f"/open311/v2/requests.{fmt}"
    assert post.form["api_key"] == "good-key"
    assert post.form["jurisdiction_id"] == "city.example.gov"
    assert post.form["service_code"] == "POTHOLE"
    assert (post.form["lat"], post.form["long"]) == ("45.523100", "-122.676500")
    assert post.form["media_url"] == "https://files.example.social/pothole.jpg"
    assert post.form["description"].startswith("Deep pothole outside the library")
    assert post.form["description"].endswith(reference_line("k1"))


def test_post_returns_the_service_request_id(client):
    submission = client.post_request(POTHOLE)
    assert submission.service_request_id == "6001"
    assert submission.token == ""


def test_address_string_is_sent_when_there_is_no_point(server, client):
    request = ServiceRequest(
        service_code="MISSED-BIN", description="Bins", address_string="12 Elm St"
    )
    client.post_request(request)
    assert server.posts[0].form["address_string"] == "12 Elm St"
    assert "lat" not in server.posts[0].form


def test_a_request_without_location_is_refused_before_sending(server, client):
    with pytest.raises(Open311Error, match="location"):
        client.post_request(ServiceRequest(service_code="POTHOLE", description="Somewhere"))
    assert server.posts == []


def test_token_only_answer_is_resolved_later(server, client):
    server.token_only = True
    submission = client.post_request(POTHOLE)
    assert submission.service_request_id == ""
    assert client.resolve_token(submission.token) == ""
    server.resolve_tokens()
    assert client.resolve_token(submission.token) == "6001"


def test_error_list_becomes_a_readable_message(server, client):
    server.fail_next("400")
    with pytest.raises(Open311Error) as caught:
        client.post_request(POTHOLE)
    assert caught.value.status == 400
    assert not caught.value.transient
    assert "Service temporarily not accepting requests (400)" in str(caught.value)


def test_unknown_service_code_is_reported_from_the_servers_error_list(client):
    with pytest.raises(Open311Error, match="service_code not found"):
        client.post_request(ServiceRequest(service_code="NOPE", description="x", lat=1, long=2))


def test_bad_api_key_says_the_key_was_refused(server, fmt):
    client = Open311Client(server.base_url, "wrong", "city.example.gov", timeout=0.5, fmt=fmt)
    with pytest.raises(Open311Error, match="refused the API key") as caught:
        client.post_request(POTHOLE)
    assert caught.value.status == 403
    assert server.service_requests == {}


def test_timeout_is_transient_and_says_how_long_it_waited(server, client):
    server.fail_next("hang")
    with pytest.raises(Open311Error, match="did not answer within 0.5 seconds") as caught:
        client.post_request(POTHOLE)
    assert caught.value.transient


def test_a_request_created_before_its_answer_was_lost_is_found_by_its_reference(server, client):
    key = str(uuid.uuid4())
    server.fail_next("hang_after_create")
    with pytest.raises(Open311Error):
        client.post_request(POTHOLE, submission_key=key)
    since = datetime.datetime.now(datetime.UTC)
    assert client.find_request("POTHOLE", key, since=since) == "6001"
    assert client.find_request("POTHOLE", "another-key", since=since) == ""


def test_status_of_a_request_follows_the_server(server, client):
    request_id = client.post_request(POTHOLE).service_request_id
    assert not client.request_status(request_id).is_closed
    server.close_request(request_id, notes="Patched")
    status = client.request_status(request_id)
    assert status.is_closed
    assert status.status_notes == "Patched"


def test_description_is_cut_to_the_spec_limit_keeping_the_reference():
    text = with_reference("x" * 5000, "key")
    assert len(text) <= 4000
    assert text.endswith(reference_line("key"))


def test_error_message_reads_every_entry_of_the_error_list():
    body = [{"code": 400, "description": "lat missing"}, {"code": 400, "description": "bad code"}]
    assert error_message(400, body) == (
        "The Open311 server rejected the request (400): lat missing (400); bad code (400)"
    )


def test_find_marked_ignores_requests_without_the_reference():
    items = [{"service_request_id": "1", "description": "no ref"}, "junk", {"description": None}]
    assert find_marked(items, "k") == ""
