"""The Open311 client against the spec-validating fake, in JSON and in XML: services and their
attributes, request ids and tokens of 0, bounded duplicate lookups under the server's cap,
tokens that never resolve, address_id, and the server's own error descriptions."""

import datetime
from urllib.parse import urlencode

import pytest
import requests

from cityux_social.tickets.georeport import (
    error_message,
    parse_attributes,
    parse_body,
)
from cityux_social.tickets.open311 import (
    Open311Client,
    Open311Error,
    ServiceRequest,
    TokenNotResolved,
    parse_submission,
)
from tests.cityux_social.fake_open311 import FakeOpen311
from tests.cityux_social.open311_spec import DEFINITIONS

JURISDICTION = "city.example.gov"
LIGHT = ServiceRequest(
    service_code="STREETLIGHT",
    description="Light out by the school",
    lat=45.5,
    long=-122.6,
    attributes={
        "POLE": "P-1234",
        "KIND": "flicker",
        "HEIGHT": "7.5",
        "SINCE": "2026-12-01T18:00:00+01:00",
        "NOTES": "Buzzing as well",
        "NEAR": ["school", "crossing"],
    },
)


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


def definition(client):
    return client.service_definition("STREETLIGHT")


# -- services and their definitions ---------------------------------------------------------


def test_services_are_read_with_their_metadata_flag(server, client, fmt):
    services = {s["service_code"]: s for s in client.services()}
    assert set(services) == {"POTHOLE", "MISSED-BIN", "CODE", "STREETLIGHT"}
    assert services["STREETLIGHT"]["metadata"] is True
    assert services["POTHOLE"]["metadata"] is False
    assert services["MISSED-BIN"]["type"] == "batch"
    assert server.received[-1].path == f"/open311/v2/services.{fmt}"
    assert server.received[-1].query["jurisdiction_id"] == JURISDICTION


def test_a_definition_gives_every_datatype_in_the_servers_order(client):
    attributes = parse_attributes(definition(client))
    assert [a.code for a in attributes] == [
        "DANGER", "POLE", "KIND", "HEIGHT", "SINCE", "NOTES", "NEAR"
    ]  # fmt: skip
    by_code = {a.code: a for a in attributes}
    assert {a.datatype for a in attributes} == {
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"
    }  # fmt: skip
    assert by_code["POLE"].required and by_code["KIND"].required
    assert not by_code["NOTES"].required
    assert not by_code["DANGER"].variable
    assert by_code["POLE"].datatype_description == "The number on the pole's metal tag."
    assert by_code["KIND"].values == (
        ("out", "Out"),
        ("flicker", "Flickering"),
        ("day", "On by day"),
    )
    assert by_code["NEAR"].description == "What is near the light?"


def test_attributes_are_sent_encoded_as_the_spec_says(server, client):
    submission = client.post_request(LIGHT, submission_key="k", definition=definition(client))
    assert submission.service_request_id == "6001"
    (post,) = server.posts
    attributes = [(n, v) for n, v in post.pairs if n.startswith("attribute")]
    assert attributes == [
        ("attribute[POLE]", "P-1234"),
        ("attribute[KIND]", "flicker"),
        ("attribute[HEIGHT]", "7.5"),
        ("attribute[SINCE]", "2026-12-01T17:00:00Z"),
        ("attribute[NOTES]", "Buzzing as well"),
        ("attribute[NEAR][]", "school"),
        ("attribute[NEAR][]", "crossing"),
    ]
    assert post.content_type == "application/x-www-form-urlencoded; charset=utf-8"


def test_a_missing_required_attribute_is_refused_before_sending(server, client):
    request = ServiceRequest(**{**LIGHT.__dict__, "attributes": {"KIND": "out"}})
    with pytest.raises(Open311Error, match="Pole number: required") as caught:
        client.post_request(request, definition=definition(client))
    assert not caught.value.transient
    assert server.posts == []


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"KIND": "broken"}, "What is wrong with the light?: not one of the listed values: broken"),
        ({"HEIGHT": "tall"}, "Height of the light: not a number"),
        ({"HEIGHT": "nan"}, "Height of the light: not a number"),
        ({"SINCE": "yesterday"}, "Out since: not a date and time"),
        ({"NEAR": ["school", "zoo"]}, "not one of the listed values: zoo"),
    ],
)
def test_values_outside_their_datatype_are_refused_before_sending(
    server, client, attributes, problem
):
    request = ServiceRequest(**{**LIGHT.__dict__, "attributes": {**LIGHT.attributes, **attributes}})
    with pytest.raises(Open311Error, match="do not fit the service STREETLIGHT") as caught:
        client.post_request(request, definition=definition(client))
    assert problem in str(caught.value)
    assert server.posts == []


def test_the_server_refuses_a_required_attribute_missing_with_its_own_description(server, client):
    request = ServiceRequest(**{**LIGHT.__dict__, "attributes": {"KIND": "out"}})
    with pytest.raises(Open311Error) as caught:
        client.post_request(request)  # no definition: the server's check is the one left
    assert caught.value.status == 400
    assert str(caught.value) == (
        "The Open311 server rejected the request (400): POLE is required: Pole number (400)"
    )


# -- what the spec-validating server refuses (so the tests above can fail) ---------------------


def raw_post(server, pairs, content_type="application/x-www-form-urlencoded; charset=utf-8"):
    base = [("api_key", "good-key"), ("jurisdiction_id", JURISDICTION), ("lat", "1"), ("long", "2")]
    return requests.post(
        f"{server.base_url}/requests.json",
        data=urlencode(base + pairs),
        headers={"Content-Type": content_type},
        timeout=2,
    )


@pytest.mark.parametrize(
    ("pairs", "content_type", "description"),
    [
        ([("service_code", "POTHOLE")], "application/x-www-form-urlencoded", "Content-Type"),
        (
            [
                ("service_code", "STREETLIGHT"),
                ("attribute[POLE]", "1"),
                ("attribute[KIND]", "out"),
                ("attribute[NEAR]", "school"),
            ],
            None,
            "NEAR must be sent as attribute[NEAR][]",
        ),
        (
            [
                ("service_code", "STREETLIGHT"),
                ("attribute[POLE]", "1"),
                ("attribute[KIND][]", "out"),
            ],
            None,
            "KIND must be sent as attribute[KIND]",
        ),
        (
            [
                ("service_code", "STREETLIGHT"),
                ("attribute[POLE]", "1"),
                ("attribute[KIND]", "out"),
                ("attribute[COLOUR]", "red"),
            ],
            None,
            "attribute[COLOUR] is not an attribute of STREETLIGHT",
        ),
        ([("service_code", "POTHOLE"), ("service_code", "CODE")], None, "more than once"),
    ],
)
def test_the_fake_refuses_what_the_spec_does_not_allow(server, pairs, content_type, description):
    response = raw_post(server, pairs, content_type) if content_type else raw_post(server, pairs)
    assert response.status_code == 400
    assert description in str(response.json())
    assert server.service_requests == {}


# -- ids, tokens, errors --------------------------------------------------------------------


def test_request_id_zero_is_a_request_id(fmt):
    with FakeOpen311(api_key="k", first_id=0) as zero:
        client = Open311Client(zero.base_url, "k", fmt=fmt, timeout=1)
        pothole = ServiceRequest(
            service_code="POTHOLE", description="Hole", address_string="1 A St"
        )
        submission = client.post_request(pothole, submission_key="zero")
        assert submission.service_request_id == "0"
        assert client.request_status("0").status == "open"
        assert (
            client.find_request("POTHOLE", "zero", since=datetime.datetime.now(datetime.UTC)) == "0"
        )
        zero.token_only = True
        token = client.post_request(pothole).token
        zero.resolve_tokens()
        assert client.resolve_token(token) == "1"


def test_token_and_id_zero_in_an_answer_are_kept():
    assert parse_submission([{"token": 0}]).token == "0"
    assert parse_submission([{"service_request_id": 0}]).service_request_id == "0"
    xml = b"<service_requests><request><service_request_id>0</service_request_id></request>"
    assert parse_submission(parse_body(xml + b"</service_requests>")).service_request_id == "0"
    with pytest.raises(Open311Error, match="without a request id or a token"):
        parse_submission([{"service_request_id": None, "token": ""}])


def test_an_xml_answer_to_a_post_is_read_whatever_the_setting(server):
    json_client = Open311Client(server.base_url, "good-key", JURISDICTION, fmt="json", timeout=1)
    json_client.fmt = "xml"  # a server that answers XML at the JSON client's request path
    submission = json_client.post_request(LIGHT, definition=DEFINITIONS["STREETLIGHT"])
    assert submission.service_request_id == "6001"
    assert submission.service_notice == "Crews usually respond within 5 business days."


def test_an_unreadable_answer_to_a_post_is_transient_and_never_shown_raw(server, client):
    server.fail_next("garbage")
    with pytest.raises(Open311Error) as caught:
        client.post_request(LIGHT, definition=DEFINITIONS["STREETLIGHT"])
    assert caught.value.transient  # the request may exist: the retry looks it up first
    assert "Proxy error" not in str(caught.value)
    assert str(caught.value) == (
        "The Open311 server answered 200 with XML that is not GeoReport v2 (a html document)."
    )


def test_xml_entities_are_refused():
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><errors><error><code>&a;</code></error></errors>'
    with pytest.raises(ValueError, match="refused XML"):
        parse_body(bomb)


def test_unknown_service_code_on_post_says_service_code_or_jurisdiction(client):
    with pytest.raises(Open311Error) as caught:
        client.post_request(ServiceRequest(service_code="NOPE", description="x", lat=1, long=2))
    assert caught.value.status == 404
    assert str(caught.value) == (
        "The Open311 server found no such service code or jurisdiction (404): "
        "service_code not found (404)"
    )


def test_wrong_jurisdiction_on_post_reads_the_xml_or_json_error_list(server, fmt):
    client = Open311Client(server.base_url, "good-key", "other.gov", timeout=1, fmt=fmt)
    with pytest.raises(Open311Error, match="jurisdiction_id not found \\(404\\)"):
        client.post_request(LIGHT)


def test_a_bad_api_key_is_reported_from_the_error_list(server, fmt):
    client = Open311Client(server.base_url, "wrong", JURISDICTION, timeout=1, fmt=fmt)
    with pytest.raises(Open311Error) as caught:
        client.post_request(LIGHT)
    assert (
        str(caught.value) == "The Open311 server refused the API key (403): Invalid api_key (403)"
    )


def test_error_message_reads_an_xml_error_list():
    body = parse_body(
        b"<?xml version='1.0' encoding='utf-8'?><errors><error><code>400</code>"
        b"<description>lat missing</description></error><error><code>400</code>"
        b"<description>bad code</description></error></errors>"
    )
    assert error_message(400, body) == (
        "The Open311 server rejected the request (400): lat missing (400); bad code (400)"
    )


def test_address_id_alone_is_a_location(server, client):
    request = ServiceRequest(service_code="POTHOLE", description="Hole", address_id="ADDR-0")
    assert client.post_request(request).service_request_id == "6001"
    assert server.posts[0].form["address_id"] == "ADDR-0"
    assert server.service_requests["6001"]["address_id"] == "ADDR-0"


def test_a_token_never_resolved_is_given_up_with_the_servers_reason(server, client):
    server.token_only = True
    token = client.post_request(LIGHT, definition=DEFINITIONS["STREETLIGHT"]).token
    now = datetime.datetime.now(datetime.UTC)
    hour = datetime.timedelta(hours=1)
    assert client.resolve_token(token, waiting_since=now - hour / 2, give_up_after=hour) == ""
    with pytest.raises(TokenNotResolved) as caught:
        client.resolve_token(token, waiting_since=now - 2 * hour, give_up_after=hour)
    assert str(caught.value) == (
        f"The Open311 server has not turned token {token} into a request in 1 hours; its last "
        "answer: The Open311 server found nothing at this address (404): token not yet "
        "processed (404)"
    )


def test_a_token_lookup_refused_for_the_key_is_not_waited_on(server, client):
    server.token_only = True
    token = client.post_request(LIGHT, definition=DEFINITIONS["STREETLIGHT"]).token
    server.fail_next("403", on="GET")
    with pytest.raises(Open311Error, match="refused the API key"):
        client.resolve_token(token)
