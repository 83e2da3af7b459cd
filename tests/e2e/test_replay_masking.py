"""What the replay recorder must mask in the browser, pinned by a real recording (issue 19):
phone numbers in the page's text and attributes, the query string of the page address (and of
the links rrweb makes absolute with it), and the values of hidden inputs."""

import json
import zlib

import pytest

from cityux_analytics.models import ReplayChunk
from tests.e2e.helpers import accept_and_wait_for_the_recorder
from tests.e2e.test_replay import POTHOLE, _rage_click_until_uploaded

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.cityux_analytics.replay_urls"),
]
# A query value that looks like nothing private (no e-mail, no phone, no token), so only
# dropping the query as a whole keeps it out of the recording.
QUERY = "?case=Wombat2231&from=newsletter"

PAGE_WITH_PHONE_NUMBERS = """() => {
    const main = document.querySelector('main');
    const note = document.createElement('p');
    note.textContent = 'Call me back on 303-555-0199 after six';
    const link = document.createElement('a');
    link.href = '/contact/';
    link.title = 'Or text +1 (720) 555 0142';
    link.textContent = 'Contact us';
    const button = document.createElement('button');
    button.id = 'send-report';
    button.textContent = 'Send report';
    main.prepend(note, link, button);
}"""


def _nodes(node):
    """A serialized rrweb node and all its descendants."""
    yield node
    for child in node.get("childNodes", ()):
        yield from _nodes(child)


def _hidden_input_values(events):
    snapshots = [event["data"]["node"] for event in events if event["type"] == 2]
    return [
        node["attributes"].get("value", "")
        for snapshot in snapshots
        for node in _nodes(snapshot)
        if node.get("tagName") == "input" and node["attributes"].get("type") == "hidden"
    ]


def _recording():
    """Every stored replay event, decompressed, in upload order."""
    chunks = ReplayChunk.objects.order_by("session", "seq").values_list("data", flat=True)
    return [event for data in chunks for event in json.loads(zlib.decompress(bytes(data)))]


def test_phone_numbers_and_the_query_string_never_reach_the_recording(city_site, page):
    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    page.goto(city_site.url + POTHOLE + QUERY)
    page.wait_for_function("() => window.rrwebRecord !== undefined && window.cityuxReplay")
    page.evaluate(PAGE_WITH_PHONE_NUMBERS)
    page.wait_for_timeout(300)  # the recorder sees the added nodes
    _rage_click_until_uploaded(page)

    events = _recording()
    recorded = json.dumps(events)
    assert "Send report" in recorded and "Call me back on" in recorded  # the page was recorded
    for digits in ("303-555-0199", "555-0199", "(720) 555 0142", "555 0142"):
        assert digits not in recorded, f"{digits!r} was recorded"
    addresses = [event["data"]["href"] for event in events if event["type"] == 4]
    assert addresses and set(addresses) == {city_site.url + POTHOLE}
    assert "Wombat2231" not in recorded


def test_hidden_inputs_are_recorded_without_their_values(city_site, page):
    accept_and_wait_for_the_recorder(page, city_site.url + POTHOLE)
    page.goto(city_site.url + POTHOLE + QUERY)
    page.wait_for_function("() => window.rrwebRecord !== undefined && window.cityuxReplay")
    page.evaluate(PAGE_WITH_PHONE_NUMBERS)
    page.wait_for_timeout(300)
    _rage_click_until_uploaded(page)

    # The consent form of every page holds the CSRF token and the page address ("next").
    values = _hidden_input_values(_recording())
    assert values, "no hidden input was recorded"
    assert all(set(value) <= {"*"} for value in values), values
