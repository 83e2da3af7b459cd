"""The client address every limit is keyed on: REMOTE_ADDR, or what trusted proxies recorded."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from cityux.clientip import client_ip

factory = RequestFactory()


def request_from(remote, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return factory.get("/", REMOTE_ADDR=remote, headers=headers)


def test_without_a_trusted_proxy_the_address_is_remote_addr():
    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"


def test_without_a_trusted_proxy_a_forwarded_header_cannot_pick_the_key():
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_last_forwarded_address(settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"


def test_behind_one_proxy_a_spoofed_forwarded_address_is_ignored(settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    # The client sent "1.2.3.4"; the proxy appended the address it really came from.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 2
    forwarded = "1.2.3.4, 198.51.100.1, 10.0.0.1"
    assert client_ip(request_from("10.0.0.2", forwarded)) == "198.51.100.1"


def test_two_residents_behind_one_proxy_get_two_keys(settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    first = client_ip(request_from("10.0.0.2", "198.51.100.1"))
    second = client_ip(request_from("10.0.0.2", "198.51.100.2"))
    assert first != second


def test_a_request_that_bypassed_the_proxy_keeps_its_own_address(settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(
    "forwarded, expected",
    [
        ("198.51.100.1:51234", "198.51.100.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0::1", "2001:db8::1"),
        (" 198.51.100.1 ", "198.51.100.1"),
    ],
)
def test_ports_brackets_and_spelling_are_normalised(settings, forwarded, expected):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", forwarded)) == expected


@pytest.mark.parametrize("forwarded", ["not-an-address", "", "\x00", "1.2.3.4, unknown"])
def test_a_forwarded_value_that_is_no_address_falls_back_to_remote_addr(settings, forwarded):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


@pytest.mark.parametrize("count", [-1, "1", 1.5, True, None])
def test_a_proxy_count_that_is_no_whole_number_is_a_configuration_error(settings, count):
    settings.CITYUX_TRUSTED_PROXY_COUNT = count
    with pytest.raises(ImproperlyConfigured, match="CITYUX_TRUSTED_PROXY_COUNT"):
        client_ip(request_from("10.0.0.2", "198.51.100.1"))


# -- the limits are keyed on it ---------------------------------------------------------------


@pytest.fixture
def tracked_client(client, city):
    """A browser that accepted analytics, with fresh per-process counts."""
    from cityux import ratelimit

    ratelimit.reset()
    client.post("/cityux/cookies/", {"action": "accept_all"})
    yield client
    ratelimit.reset()


def post_batch(client, forwarded, remote="10.0.0.2"):
    from tests.cityux_analytics.factories import body, view

    return client.post(
        "/cityux/collect/", body([view("/")]), content_type="application/json",
        headers={"Origin": "http://testserver", "X-Forwarded-For": forwarded},
        REMOTE_ADDR=remote,
    )  # fmt: skip


def test_behind_a_proxy_each_resident_has_their_own_collect_limit(tracked_client, settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 100, "ip": 2}}
    first = [post_batch(tracked_client, "198.51.100.1").status_code for _ in range(3)]
    other = post_batch(tracked_client, "198.51.100.2").status_code
    assert (first, other) == ([204, 204, 429], 204)


def test_without_a_trusted_proxy_a_made_up_header_does_not_escape_the_limit(
    tracked_client, settings
):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 100, "ip": 2}}
    codes = [post_batch(tracked_client, f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [204, 204, 429]
