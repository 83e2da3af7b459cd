"""The frustration tracker (tracker.min.js) in a real browser, against a tiny local collector.

The harness pages in tests/cityux_analytics/tracker_harness/ and the built tracker are served by
a plain `http.server` thread that records every batch POSTed to /collect/; no Django server is
involved. Every batch received is checked with the server's own validator, `parse_batch`.
"""

import json
import threading
import time
from collections import deque
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cityux_analytics.schema import parse_batch

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "tests/cityux_analytics/tracker_harness"
TRACKER = ROOT / "cityux_analytics/static/cityux_analytics/tracker.min.js"
TYPED = "Ziggurat-7731"
COUNT_BEACONS = """
const sendBeacon = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, data) => {
  const calls = JSON.parse(localStorage.getItem("beacons") || "[]");
  localStorage.setItem("beacons", JSON.stringify([...calls, new URL(url, location.href).href]));
  return sendBeacon(url, data);
};
"""


SESSION_KEY = "cityux.session"  # tracker.js keeps its session under this key


class CollectorHandler(SimpleHTTPRequestHandler):
    """Serves the harness pages and the tracker; answers /status/ and records /collect/."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if self.path == "/static/tracker.min.js":
            self._answer(200, TRACKER.read_bytes(), "text/javascript")
        elif self.path.startswith("/status/"):
            analytics = not self.path.startswith("/status/declined/")
            body = json.dumps({"groups": {"analytics": analytics, "personalization": False}})
            self._answer(200, body.encode(), "application/json")
        else:
            super().do_GET()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        collector = self.server
        with collector.lock:
            status = collector.answers.popleft() if collector.answers else 204
            collector.posts.append({"path": self.path, "body": body, "status": status})
        self._answer(status, b"", None)

    def _answer(self, status, body, content_type):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class Collector(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), partial(CollectorHandler, directory=str(HARNESS)))
        self.lock = threading.Lock()
        self.posts = []
        self.answers = deque()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def reset(self):
        with self.lock:
            self.posts.clear()
            self.answers.clear()

    def batches(self):
        """Every batch received so far, each validated by the server's parser."""
        with self.lock:
            posts = list(self.posts)
        assert all(post["path"] == "/collect/" for post in posts)
        return [parse_batch(post["body"]) for post in posts]

    def raw_bytes(self):
        with self.lock:
            return b"".join(post["body"] for post in self.posts)


@pytest.fixture(scope="module")
def collector_server():
    if not TRACKER.exists():
        pytest.fail(f"{TRACKER} is missing: run `bash scripts/build_tracker.sh`.")
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def collector(collector_server):
    collector_server.reset()
    return collector_server


def events_of(batches, kind=None):
    events = [event for batch in batches for event in batch.events]
    return [event for event in events if kind is None or event["t"] == kind]


def wait_for(collector, page, condition, timeout=8.0):
    """Poll the collector until `condition(batches)` holds; the batches then."""
    deadline = time.monotonic() + timeout
    while True:
        batches = collector.batches()
        if condition(batches):
            return batches
        if time.monotonic() > deadline:
            pytest.fail(f"the collector never got what was expected; it got {batches}")
        page.wait_for_timeout(100)


def leave(collector, page, pages=1):
    """Navigate to a page without the tracker; wait for the last batch of each of `pages` pages."""
    page.goto(f"{collector.url}/blank.html")
    return wait_for(collector, page, lambda batches: len(events_of(batches, "hide")) >= pages)


def wait_for_view(page, vid=0):
    """Wait until the tracker has started page view `vid` (it is deferred and asks /status/)."""
    page.wait_for_function(
        "vid => (JSON.parse(sessionStorage.getItem('cityux.session')) || {}).view === vid", arg=vid
    )


def open_harness(collector, page, path="/index.html"):
    page.goto(f"{collector.url}{path}")
    wait_for_view(page)


def test_page_view_is_sent(collector, page):
    open_harness(collector, page)
    batches = leave(collector, page)
    (view,) = events_of(batches, "view")
    assert view["url"] == "/index.html"
    assert view["vid"] == 0
    assert view["ref"] == ""


def test_query_string_email_token_and_phone_are_scrubbed(collector, page):
    query = (
        "?q=parking&contact=jane.doe%40example.org&reset=0123456789abcdef0123"
        "&note=call+555-123-4567&access_token=x1"
    )
    open_harness(collector, page, f"/index.html{query}#section-2")
    page.click("#to-page2")
    page.wait_for_url("**/page2.html")
    wait_for_view(page, 1)
    batches = leave(collector, page, pages=2)
    first, second = events_of(batches, "view")
    assert first["url"] == (
        "/index.html?q=parking&contact=redacted&reset=redacted&note=redacted&access_token=redacted"
    )
    assert second["ref"] == f"{collector.url}{first['url']}"
    raw = collector.raw_bytes()
    for private in (b"example.org", b"0123456789abcdef", b"4567", b"section-2", b"x1"):
        assert private not in raw


def test_three_quick_clicks_on_a_button_share_a_selector_and_a_reaction(collector, page):
    open_harness(collector, page)
    for _ in range(3):
        page.click("text=Add a bin", delay=10)
    assert page.text_content("#count") == "3"
    batches = leave(collector, page)
    clicks = events_of(batches, "click")
    assert len(clicks) == 3
    assert {click["sel"] for click in clicks} == {'button[data-testid="add-bin"]'}
    for click in clicks:
        assert click["tag"] == "button"
        assert click["int"] is True
        assert click["kind"] == ""
        assert click["re"] == "mutation"
        assert 0 <= click["rms"] < 500


def test_click_on_an_element_without_a_handler_has_no_reaction(collector, page):
    open_harness(collector, page)
    page.click("#dead")
    page.wait_for_timeout(2700)
    batches = leave(collector, page)
    (click,) = events_of(batches, "click")
    assert click["sel"] == "#dead"
    assert click["int"] is False
    assert click["re"] == ""
    assert click["rms"] is None


def test_handler_that_throws_reports_an_error_right_after_the_click(collector, page):
    open_harness(collector, page)
    page.click("#broken")
    batches = leave(collector, page)
    (click,) = events_of(batches, "click")
    (error,) = events_of(batches, "error")
    assert "boom: the booking widget failed" in error["msg"]
    assert error["src"].startswith(f"{collector.url}/index.html:")
    assert 0 <= error["ts"] - click["ts"] < 1000
    assert error["vid"] == click["vid"]


def test_typed_text_is_never_sent(collector, page):
    open_harness(collector, page)
    page.click("input[name=nickname]")
    page.keyboard.type(TYPED)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    batches = leave(collector, page)
    assert TYPED.encode() not in collector.raw_bytes()
    fields = events_of(batches, "field")
    assert [field["act"] for field in fields][:2] == ["focus", "blur"]
    assert fields[0]["sel"] == '#signup>label>input[name="nickname"]'
    assert fields[0]["form"] == "#signup"
    (submit,) = events_of(batches, "submit")
    assert submit["form"] == "#signup"
    # Enter submits the form through a click on its submit button, after the click on the field.
    assert [click["kind"] for click in events_of(batches, "click")] == ["text", ""]


def test_history_navigation_starts_a_new_view(collector, page):
    open_harness(collector, page)
    page.click("#next-step")
    batches = leave(collector, page)
    first, second = events_of(batches, "view")
    assert (second["vid"], second["url"]) == (1, "/index.html?step=2")
    assert second["ref"] == f"{collector.url}/index.html"
    (click,) = events_of(batches, "click")
    assert (click["vid"], click["re"]) == (0, "navigation")


def test_pointer_thrash_and_scrolling_are_summarised(collector, page):
    open_harness(collector, page)
    for x in (100, 400, 100, 400, 100, 400, 100):
        page.mouse.move(x, 300, steps=3)
    page.mouse.wheel(0, 1200)
    page.wait_for_timeout(1200)
    batches = leave(collector, page)
    # A slow machine may spread the moves over two one-second windows.
    moves = events_of(batches, "move")
    assert moves
    assert all(move["dc"] >= 2 for move in moves)
    assert sum(move["dist"] for move in moves) >= 600
    scrolls = events_of(batches, "scroll")
    assert scrolls
    assert 0 < max(scroll["depth"] for scroll in scrolls) <= 1


@pytest.mark.parametrize(
    "signal",
    [
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})",
        "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})",
    ],
    ids=["global-privacy-control", "do-not-track"],
)
def test_browser_privacy_signal_means_no_request_at_all(collector, new_context, signal):
    context = new_context()
    context.add_init_script(signal)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(f"{collector.url}/index.html")
    page.click("text=Add a bin")
    page.click("#to-page2")
    page.wait_for_url("**/page2.html")
    page.goto(f"{collector.url}/blank.html")
    page.wait_for_timeout(500)
    assert collector.posts == []
    assert [url for url in requested if "/collect/" in url or "/status/" in url] == []


def test_status_without_analytics_consent_sends_nothing(collector, page):
    page.goto(f"{collector.url}/declined.html")
    page.wait_for_load_state("networkidle")
    page.click("text=Apply")
    page.goto(f"{collector.url}/blank.html")
    page.wait_for_timeout(500)
    assert collector.posts == []
    assert page.evaluate("sessionStorage.length") == 0


def test_page_hide_flushes_through_send_beacon(collector, page):
    # Playwright does not report beacons of a page being unloaded: count the calls instead.
    page.add_init_script(COUNT_BEACONS)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    open_harness(collector, page)
    batches = leave(collector, page)
    assert page.evaluate("JSON.parse(localStorage.getItem('beacons'))") == [
        f"{collector.url}/collect/"
    ]
    assert [url for url in fetched if url.endswith("/collect/")] == []
    assert [event["t"] for event in events_of(batches)] == ["view", "hide"]


def test_session_id_persists_and_seq_increments_across_pages(collector, page):
    open_harness(collector, page)
    page.click("#to-page2")
    page.wait_for_url("**/page2.html")
    wait_for_view(page, 1)
    page.click("text=Print")
    batches = leave(collector, page, pages=2)
    assert [batch.seq for batch in batches] == [0, 1]
    assert len({batch.session_id for batch in batches}) == 1
    assert [view["vid"] for view in events_of(batches, "view")] == [0, 1]


def test_a_503_answer_is_retried_with_the_same_seq(collector, page):
    collector.answers.append(503)
    open_harness(collector, page)
    # No page hide here: the regular five-second flush sends, fails, and retries after backoff.
    wait_for(collector, page, lambda batches: len(batches) >= 2, timeout=12)
    first, retry = collector.posts[:2]
    assert (first["status"], retry["status"]) == (503, 204)
    assert retry["body"] == first["body"]
    assert parse_batch(retry["body"]).seq == 0


def test_a_tab_opened_from_a_tracked_tab_starts_its_own_session(collector, page):
    open_harness(collector, page)
    # window.open copies sessionStorage, like the browser's "Duplicate tab".
    with page.context.expect_page() as opened:
        page.evaluate("window.open(location.href)")
    other = opened.value
    wait_for_view(other, 1)
    first = page.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).id")
    # The copy starts with the first tab's id; it takes its own when the first tab answers.
    other.wait_for_function(
        f"sid => JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).id !== sid", arg=first
    )
    second = other.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).id")
    other.goto(f"{collector.url}/blank.html")
    page.goto(f"{collector.url}/blank.html")

    def these_tabs(batches):  # a page closed by the test before may still deliver a beacon
        return [batch for batch in batches if batch.session_id in {first, second}]

    batches = wait_for(collector, page, lambda b: len(events_of(these_tabs(b), "hide")) >= 2)
    assert sorted((batch.session_id, batch.seq) for batch in these_tabs(batches)) == sorted(
        [(first, 0), (second, 0)]
    )
    other.close()
