"""The Open311 client at the edges of its rules, against the spec-validating fake: the lookup's
ten minutes of slack, the spec's 90-day window, narrowing under the cap down to two seconds, the
description limit, what is transient, and what the server's answers may leave out."""

import dataclasses
import datetime

import pytest
import requests

from cityux_social.tickets.open311 import (
    Open311Client,
    Open311Error,
    RequestStatus,
    ServiceRequest,
    Submission,
    TokenNotResolved,
    parse_submission,
    reference_line,
    with_reference,
)
from tests.cityux_social.fake_open311 import FakeOpen311
from tests.cityux_social.open311_spec import SERVICES

# A whole second, so the windows the client asks for are exact on the wire.
EIGHT = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
HOLE = ServiceRequest(service_code="POTHOLE", description="Hole", address_string="1 A St")


@pytest.fixture(params=["json", "xml"])
def fmt(request):
    return request.param


@pytest.fixture
def server():
    with FakeOpen311(api_key="k") as fake:
        yield fake


@pytest.fixture
def client(server, fmt):
    return Open311Client(server.base_url, "k", timeout=2, fmt=fmt)


def created_earlier(server, key, at):
    """The request an earlier attempt created (its answer lost), stamped `at` by the server."""
    (request_id,) = server.add_requests(1, "POTHOLE", at=at, description=with_reference("x", key))
    return request_id


def lookup_windows(server):
    return [
        (r.query["start_date"], r.query["end_date"])
        for r in server.received
        if r.method == "GET" and r.path.startswith("/open311/v2/requests.")
    ]


# -- the duplicate lookup -------------------------------------------------------------------


def test_the_lookup_reaches_ten_minutes_either_side_of_the_attempts_and_no_further(server, client):
    until = EIGHT + HOUR
    edge_before = created_earlier(server, "edge-before", EIGHT - 10 * MINUTE)
    created_earlier(server, "past-before", EIGHT - 10 * MINUTE - SECOND)
    edge_after = created_earlier(server, "edge-after", until + 10 * MINUTE)
    created_earlier(server, "past-after", until + 10 * MINUTE + SECOND)
    assert client.find_request("POTHOLE", "edge-before", EIGHT, until) == edge_before
    assert server.received[-1].query == {
        "service_code": "POTHOLE",
        "start_date": "2026-12-01T07:50:00Z",
        "end_date": "2026-12-01T09:10:00Z",
        "status": "open,closed",
    }
    assert client.find_request("POTHOLE", "edge-after", EIGHT, until) == edge_after
    assert client.find_request("POTHOLE", "past-before", EIGHT, until) == ""
    assert client.find_request("POTHOLE", "past-after", EIGHT, until) == ""


def test_a_lookup_of_exactly_90_days_is_one_search(server, client):
    until = EIGHT + 90 * DAY - 20 * MINUTE  # with the slack: 90 days exactly
    assert client.find_request("POTHOLE", "mine", EIGHT, until) == ""
    assert lookup_windows(server) == [("2026-12-01T07:50:00Z", "2027-03-01T07:50:00Z")]


def test_a_lookup_one_second_over_90_days_is_two_searches(server, client):
    until = EIGHT + 90 * DAY - 20 * MINUTE + SECOND
    assert client.find_request("POTHOLE", "mine", EIGHT, until) == ""
    assert lookup_windows(server) == [
        ("2026-12-01T07:50:00Z", "2027-01-15T07:50:00Z"),
        ("2027-01-15T07:50:00Z", "2027-03-01T07:50:01Z"),
    ]


def test_a_full_answer_is_halved_earlier_half_first_down_to_three_seconds_and_below(fmt):
    with FakeOpen311(api_key="k", cap=2) as busy:
        client = Open311Client(busy.base_url, "k", timeout=2, fmt=fmt, lookup_cap=2)
        since = EIGHT + 10 * MINUTE  # the lookup starts at EIGHT
        mine = created_earlier(busy, "mine", EIGHT + SECOND)
        busy.add_requests(2, "POTHOLE", at=EIGHT + 2 * SECOND)  # newer: answered first
        # 1,536 seconds in all, halved nine times to a full window of 3 s, then once more.
        assert client.find_request("POTHOLE", "mine", since, since + 336 * SECOND) == mine
        ends = [1536, 768, 384, 192, 96, 48, 24, 12, 6, 3, 1]  # 1.5 s is sent as 1
        assert lookup_windows(busy) == [
            ("2026-12-01T08:00:00Z", f"{(EIGHT + n * SECOND):%Y-%m-%dT%H:%M:%SZ}") for n in ends
        ]


def test_a_full_window_of_two_seconds_is_an_error_that_is_not_retried(fmt):
    with FakeOpen311(api_key="k", cap=2) as busy:
        client = Open311Client(busy.base_url, "k", timeout=2, fmt=fmt, lookup_cap=2)
        since = EIGHT + 10 * MINUTE
        created_earlier(busy, "mine", EIGHT)
        busy.add_requests(2, "POTHOLE", at=EIGHT + SECOND)
        with pytest.raises(Open311Error) as caught:
            client.find_request("POTHOLE", "mine", since, since + 848 * SECOND)  # 2,048 s
        assert str(caught.value) == (
            "The Open311 server holds 2 or more POTHOLE requests within 2 seconds, its cap: "
            "whether the earlier attempt created the request cannot be told, so it is not sent "
            "again. Look it up in the city's system."
        )
        assert not caught.value.transient
        assert lookup_windows(busy)[-1] == ("2026-12-01T08:00:00Z", "2026-12-01T08:00:02Z")
        assert busy.posts == []


def test_an_answer_of_the_specs_default_cap_of_1000_is_narrowed(server):
    client = Open311Client(server.base_url, "k", timeout=5)
    mine = created_earlier(server, "mine", EIGHT)
    server.add_requests(1000, "POTHOLE", at=EIGHT + MINUTE)
    assert client.find_request("POTHOLE", "mine", EIGHT, EIGHT + MINUTE) == mine
    assert lookup_windows(server) == [
        ("2026-12-01T07:50:00Z", "2026-12-01T08:11:00Z"),
        ("2026-12-01T07:50:00Z", "2026-12-01T08:00:30Z"),
    ]


# -- what is sent ---------------------------------------------------------------------------


def test_a_description_that_just_fits_is_sent_whole():
    line = reference_line("k")
    room = 4000 - len(line) - len("\n\n")
    assert with_reference("x" * room, "k") == "x" * room + "\n\n" + line


def test_a_description_one_character_over_is_cut_to_the_limit_with_an_ellipsis():
    line = reference_line("k")
    room = 4000 - len(line) - len("\n\n")
    text = with_reference("x" * (room + 1), "k")
    assert text == "x" * (room - 1) + "…\n\n" + line
    assert len(text) == 4000


def test_a_description_at_the_limit_is_accepted_by_the_server(server, client):
    request = dataclasses.replace(HOLE, description="y" * 4000)
    client.post_request(request, submission_key="k")
    assert len(server.posts[0].form["description"]) == 4000


def test_a_latitude_without_longitude_is_not_a_point(server, client):
    client.post_request(dataclasses.replace(HOLE, lat=45.5))
    form = server.posts[0].form
    assert ("lat" in form, "long" in form, form["address_string"]) == (False, False, "1 A St")
    with pytest.raises(Open311Error, match="A location is needed"):
        client.post_request(ServiceRequest(service_code="POTHOLE", description="x", long=-122.6))
    assert len(server.posts) == 1


def test_a_post_carries_everything_in_its_form_and_nothing_in_its_query(fmt):
    with FakeOpen311(api_key="k", jurisdiction_id="city.example.gov") as server:
        client = Open311Client(server.base_url, "k", "city.example.gov", timeout=2, fmt=fmt)
        client.post_request(HOLE)
        assert server.posts[0].query == {}
        assert server.posts[0].form["jurisdiction_id"] == "city.example.gov"


def test_a_client_without_jurisdiction_sends_none(server, client):
    client.services()
    assert server.received[-1].query == {}


def test_a_client_waits_ten_seconds_by_default(server):
    class TimeoutsSeen(requests.Session):
        def __init__(self):
            super().__init__()
            self.timeouts = []

        def request(self, method, url, **kwargs):
            self.timeouts.append(kwargs["timeout"])
            return super().request(method, url, **kwargs)

    session = TimeoutsSeen()
    Open311Client(server.base_url, "k", session=session).services()
    assert session.timeouts == [10.0]


# -- what is read ---------------------------------------------------------------------------


def test_services_are_read_whole_and_entries_without_a_code_are_passed_over(server, client):
    server.services.append({"service_code": None, "service_name": "Parks (soon)"})
    server.services.append("junk")
    assert client.services() == SERVICES


def test_a_status_answer_gives_the_id_status_notes_and_update_time(server, client):
    request_id = client.post_request(HOLE).service_request_id
    server.close_request(request_id, notes="Filled")
    assert client.request_status(request_id) == RequestStatus(
        service_request_id=request_id,
        status="closed",
        status_notes="Filled",
        updated_datetime=server.service_requests[request_id]["updated_datetime"],
    )


def test_a_status_answer_names_the_request_by_the_servers_id(server, client):
    request_id = client.post_request(HOLE).service_request_id
    # The server also knows the request by its old number and answers with the current one.
    server.service_requests["OLD-1"] = server.service_requests[request_id]
    assert client.request_status("OLD-1").service_request_id == request_id


def test_a_status_answer_without_its_id_keeps_the_id_asked_for(server, client):
    request_id = client.post_request(HOLE).service_request_id
    server.service_requests[request_id]["service_request_id"] = None
    assert client.request_status(request_id).service_request_id == request_id


def test_a_status_answer_without_a_status_is_an_error(server, client):
    request_id = client.post_request(HOLE).service_request_id
    server.service_requests[request_id]["status"] = None
    with pytest.raises(Open311Error) as caught:
        client.request_status(request_id)
    assert str(caught.value) == f"The Open311 server sent no status for request {request_id}."
    assert not caught.value.transient


def test_an_answer_to_a_post_that_is_not_a_request_is_transient():
    with pytest.raises(Open311Error, match="something that is not a request") as caught:
        parse_submission(["junk"])
    assert caught.value.transient


def test_an_answer_to_a_post_without_id_or_token_is_transient():
    with pytest.raises(Open311Error, match="without a request id or a token") as caught:
        parse_submission([{"service_request_id": None, "token": ""}])
    assert caught.value.transient


def test_an_answer_that_is_not_the_xml_it_says_it_is_is_transient(server, client):
    server.fail_next("text_as_xml", on="GET")
    with pytest.raises(Open311Error) as caught:
        client.services()
    assert str(caught.value) == (
        "The Open311 server answered 200 with unreadable XML (syntax error: line 1, column 0)."
    )
    assert (caught.value.status, caught.value.transient) == (200, True)


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "message", "transient"),
    [
        ("400", "rejected the request (400): Service temporarily not accepting requests", False),
        ("403", "refused the API key (403): Invalid api_key", False),
        ("429", "rejected the request (429): Too many requests", True),
        ("500", "failed (500): Internal error", True),
    ],
)
def test_server_errors_and_too_many_requests_are_transient_the_others_not(
    server, client, failure, message, transient
):
    server.fail_next(failure)
    with pytest.raises(Open311Error) as caught:
        client.post_request(HOLE)
    assert str(caught.value) == f"The Open311 server {message} ({failure})"
    assert (caught.value.status, caught.value.transient) == (int(failure), transient)


def test_a_server_that_cannot_be_reached_is_transient(fmt):
    with FakeOpen311(api_key="k") as gone:
        url = gone.base_url
    with pytest.raises(Open311Error) as caught:
        Open311Client(url, "k", timeout=2, fmt=fmt).services()
    assert str(caught.value) == "The Open311 server could not be reached (ConnectionError)."
    assert (caught.value.status, caught.value.transient) == (None, True)


def test_an_error_made_here_is_not_transient(client):
    with pytest.raises(Open311Error) as caught:
        client.post_request(ServiceRequest(service_code="POTHOLE", description="Nowhere"))
    assert (caught.value.status, caught.value.transient) == (None, False)


# -- tokens ---------------------------------------------------------------------------------


def test_a_token_is_waited_on_without_end_unless_both_the_start_and_the_limit_are_known(
    server, client
):
    server.token_only = True
    token = client.post_request(HOLE).token
    long_ago = datetime.datetime.now(datetime.UTC) - 30 * DAY
    assert client.resolve_token(token, waiting_since=long_ago) == ""
    assert client.resolve_token(token, give_up_after=MINUTE) == ""


def test_a_token_given_up_within_the_hour_says_how_many_minutes_it_waited(server, client):
    server.token_only = True
    token = client.post_request(HOLE).token
    waiting_since = datetime.datetime.now(datetime.UTC) - HOUR
    with pytest.raises(TokenNotResolved, match=f"token {token} into a request in 30 minutes;"):
        client.resolve_token(token, waiting_since=waiting_since, give_up_after=30 * MINUTE)


def test_a_token_is_given_up_at_exactly_the_limit_not_a_moment_later(server, client, monkeypatch):
    import types

    from cityux_social.tickets import open311

    class AtEight(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return EIGHT

    server.token_only = True
    token = client.post_request(HOLE).token
    clock = types.SimpleNamespace(datetime=AtEight, UTC=datetime.UTC)
    monkeypatch.setattr(open311, "datetime", clock)

    limit = 30 * MINUTE
    assert (
        client.resolve_token(token, waiting_since=EIGHT - limit + SECOND, give_up_after=limit) == ""
    )
    with pytest.raises(TokenNotResolved):
        client.resolve_token(token, waiting_since=EIGHT - limit, give_up_after=limit)


# -- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (HOLE, "description"),
        (Submission(service_request_id="1"), "service_request_id"),
        (RequestStatus(service_request_id="1", status="open"), "status"),
    ],
)
def test_requests_and_answers_cannot_be_changed_once_made(value, name):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, name, "changed")
