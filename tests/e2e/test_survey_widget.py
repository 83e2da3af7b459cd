"""The micro-survey widget (survey.js, survey.css) in a real browser, against a tiny survey server.

The harness pages in tests/cityux_analytics/survey_harness/ and cityux_analytics/static/ are served
by a plain `http.server` thread that answers the survey endpoints with canned surveys and records
every POST; no Django server is involved. Accessibility is checked with axe-core (`npm ci`).
"""

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "tests/cityux_analytics/survey_harness"
STATIC = ROOT / "cityux_analytics/static"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
POST_PATH = re.compile(r"/cityux/surveys/(?P<survey>[^/]+)/(?P<kind>shown|responses)/")

DIALOG = "[role=dialog]"
PAGE_PATH = "/services/bins/"
THANK_YOU = "Thank you! Your answers help us improve this page."
RATING = {"id": "ease", "type": "rating", "label": "How easy was this page to use?"}
THUMBS = {"id": "useful", "type": "thumbs", "label": "Was this page useful?"}
YES_NO = {"id": "found", "type": "yes_no", "label": "Did you find what you came for?"}
CHOICE = {
    "id": "reason",
    "type": "choice",
    "label": "Why did you visit?",
    "choices": ["Check my collection day", "Report a missed bin", "Something else"],
}
COMMENT = {"id": "comment", "type": "text", "label": "What could we do better?", "max_length": 200}
TRIGGER_IDS = {
    "seconds": 11,
    "exit_intent": 12,
    "scroll_depth": 13,
    "form_submit": 14,
    "frustration": 15,
    "manual": 16,
}


def question(base, required=False):
    return {**base, "required": required}


def survey(trigger, value=None, **overrides):
    """A canned survey with this trigger: everyone is sampled, and it is capped for 30 days."""
    return {
        "id": TRIGGER_IDS[trigger],
        "revision": 3,
        "title": "Help us improve this page",
        "trigger": {"type": trigger, "value": value},
        "sample_rate": 100,
        "cap_days": 30,
        "language": "en",
        "thank_you": THANK_YOU,
        "questions": [question(RATING, required=True), question(COMMENT)],
        **overrides,
    }


REPORT_PROBLEM = survey(
    "manual",
    title="Report a problem with this page",
    sample_rate=0,
    questions=[
        question(
            {
                "id": "problem",
                "type": "choice",
                "label": "What went wrong?",
                "choices": ["Something is broken", "Information is wrong", "I could not find it"],
            },
            required=True,
        ),
        question({**COMMENT, "label": "Tell us more"}),
    ],
)


class SurveyHandler(BaseHTTPRequestHandler):
    """Answers the survey contract with the server's canned surveys; serves pages and static."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/cityux/surveys/active/":
            self.server.record("active", None, parse_qs(url.query))
            self._answer(200, self.server.active)
        elif url.path.startswith("/static/"):
            self._file(STATIC, url.path.removeprefix("/static/"))
        else:
            self._file(HARNESS, url.path.lstrip("/") or "index.html")

    def do_POST(self):
        match = POST_PATH.fullmatch(urlsplit(self.path).path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not match:
            return self._answer(404, {"error": "not_found"})
        self.server.record(match["kind"], match["survey"], json.loads(body))
        if match["kind"] == "shown":
            return self._answer(204, None)
        status, payload = self.server.next_answer()
        self._answer(status, payload)

    def _file(self, root, relative):
        path = (root / relative).resolve()
        if not path.is_file() or not path.is_relative_to(root):
            return self._answer(404, {"error": "not_found"})
        self._send(200, path.read_bytes(), CONTENT_TYPES.get(path.suffix, "text/plain"))

    def _answer(self, status, payload):
        body = b"" if payload is None else json.dumps(payload).encode()
        self._send(status, body, "application/json" if body else None)

    def _send(self, status, body, content_type):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class SurveyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SurveyHandler)
        self.lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.reset()

    def reset(self):
        with self.lock:
            self.active = {"surveys": [], "report_problem": None}
            self.requests = []
            self.answers = deque()

    def offer(self, *surveys, report_problem=None):
        with self.lock:
            self.active = {"surveys": list(surveys), "report_problem": report_problem}

    def answer_next(self, status, payload):
        """The next POST of responses gets this answer instead of 201."""
        with self.lock:
            self.answers.append((status, payload))

    def next_answer(self):
        with self.lock:
            if self.answers:
                return self.answers.popleft()
        return 201, {"ok": True, "thank_you": THANK_YOU}

    def record(self, kind, survey_id, body):
        with self.lock:
            self.requests.append({"kind": kind, "survey": survey_id, "body": body})

    def received(self, kind):
        with self.lock:
            return [request for request in self.requests if request["kind"] == kind]


@pytest.fixture(scope="module")
def survey_server_thread():
    server = SurveyServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(survey_server_thread):
    survey_server_thread.reset()
    return survey_server_thread


def wait_for_requests(server, page, kind, count=1, timeout=8.0):
    """Poll until the server got `count` requests of `kind`; those requests."""
    deadline = time.monotonic() + timeout
    while len(server.received(kind)) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} {kind} request(s), got {server.received(kind)}")
        page.wait_for_timeout(50)
    return server.received(kind)


def open_page(server, page, path="/index.html"):
    """Open a harness page and wait until the widget has its surveys."""
    page.goto(f"{server.url}{path}")
    page.wait_for_selector(".cityux-survey-live", state="attached")


def assert_stays_closed(page, ms=1200):
    page.wait_for_timeout(ms)
    assert page.locator(DIALOG).count() == 0


def focused(page, expression):
    """`expression` (a JavaScript function) applied to the focused element."""
    return page.evaluate(f"({expression})(document.activeElement)")


def choose(page, value):
    """Click the visible face of the dialog's radio button with this value."""
    page.click(f"{DIALOG} label:has(input[value='{value}'])")


def focus_is_in_dialog(page):
    return page.evaluate("!!document.activeElement.closest('[role=dialog]')")


def open_report_problem(server, page):
    server.offer(report_problem=REPORT_PROBLEM)
    open_page(server, page)
    page.click("[data-cityux-report-problem]")
    page.wait_for_selector(DIALOG)


def axe_violations(page):
    """Run axe-core on the open dialog; its violations as (rule, help, [targets])."""
    if not AXE.exists():
        pytest.fail(
            f"{AXE.relative_to(ROOT)} is missing: run `npm ci` in the repository root "
            "to install axe-core (pinned in package.json) for the accessibility checks."
        )
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document.querySelector("[role=dialog]"));
            return results.violations.map(
                (v) => [v.id, v.help, v.nodes.map((node) => node.target.join(" "))]
            );
        }"""
    )


def test_seconds_survey_appears_after_its_delay_and_reports_it_was_shown(server, page):
    server.offer(survey("seconds", 2))
    open_page(server, page)
    assert page.locator(DIALOG).count() == 0
    assert server.received("active")[0]["body"] == {"path": [PAGE_PATH]}

    dialog = page.wait_for_selector(DIALOG)
    (shown,) = wait_for_requests(server, page, "shown")
    assert shown["survey"] == "11"
    assert shown["body"] == {"revision": 3, "path": PAGE_PATH}
    assert dialog.get_attribute("aria-modal") == "false"
    assert dialog.get_attribute("lang") == "en"
    title_id = dialog.get_attribute("aria-labelledby")
    assert page.text_content(f"#{title_id}") == "Help us improve this page"
    live = page.locator(".cityux-survey-live")
    page.wait_for_function(
        "el => el.textContent.includes('A short survey opened')", arg=live.element_handle()
    )
    # An automatic survey never takes the focus away from what the resident is doing.
    assert focused(page, "el => el.localName") == "body"
    # It is the last thing in the page, so the keyboard reaches it after the page's content.
    assert page.evaluate("document.body.lastElementChild.getAttribute('role')") == "dialog"


def test_survey_is_answered_with_the_keyboard_alone(server, page):
    questions = [question(RATING, required=True)]
    questions += [question(base) for base in (THUMBS, YES_NO, CHOICE, COMMENT)]
    server.offer(survey("seconds", 0, questions=questions))
    open_page(server, page)
    page.wait_for_selector(DIALOG)

    for _ in range(30):
        page.keyboard.press("Tab")
        if focus_is_in_dialog(page):
            break
    assert focused(page, "el => el.getAttribute('aria-label')") == "Close survey"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("The map did not load.")
    page.keyboard.press("Tab")
    # The honeypot is never reached: the next stop is the send button.
    assert focused(page, "el => el.textContent") == "Send answers"
    page.keyboard.press("Enter")

    page.wait_for_selector(f"text={THANK_YOU}")
    (response,) = wait_for_requests(server, page, "responses")
    body = response["body"]
    assert response["survey"] == "11"
    assert body["answers"] == {
        "ease": 4,
        "useful": "down",
        "found": "yes",
        "reason": "Report a missed bin",
        "comment": "The map did not load.",
    }
    assert (body["revision"], body["path"], body["hp"]) == (3, PAGE_PATH, "")
    assert isinstance(body["elapsed_ms"], int) and body["elapsed_ms"] > 0
    assert "sid" not in body
    assert page.locator(f"{DIALOG} form").count() == 0
    assert focused(page, "el => el.textContent") == THANK_YOU
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0


def test_tracker_session_id_is_sent_when_the_resident_consented(server, page):
    page.add_init_script(
        "sessionStorage.setItem('cityux.session', JSON.stringify({id: 'sess-42', seq: 3}))"
    )
    server.offer(survey("seconds", 0))
    open_page(server, page)
    choose(page, 5)
    page.click("text=Send answers")
    (response,) = wait_for_requests(server, page, "responses")
    assert response["body"]["sid"] == "sess-42"
    assert response["body"]["answers"] == {"ease": 5}
    assert page.context.cookies() == []


def test_frustration_survey_appears_after_three_rage_clicks_and_not_before(server, page):
    server.offer(survey("frustration"))
    open_page(server, page)
    box = page.locator("#add-bin").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.mouse.click(x + 5, y)
    assert_stays_closed(page)
    assert server.received("shown") == []

    for dx in (0, 8, 16):
        page.mouse.click(x + dx, y)
    dialog = page.wait_for_selector(DIALOG)
    assert page.text_content("#count") == "5"
    intro_id = dialog.get_attribute("aria-describedby")
    assert page.text_content(f"#{intro_id}") == "Having trouble? Tell us what went wrong"
    wait_for_requests(server, page, "shown")


def test_script_error_right_after_a_click_opens_the_frustration_survey(server, page):
    server.offer(survey("frustration"))
    open_page(server, page)
    page.click("#broken")
    page.wait_for_selector(DIALOG, timeout=2000)


def test_click_that_changes_nothing_opens_the_frustration_survey(server, page):
    server.offer(survey("frustration"))
    open_page(server, page)
    page.click("#dead")
    assert_stays_closed(page, 1500)
    page.wait_for_selector(DIALOG, timeout=3000)


def test_report_problem_button_opens_its_survey_and_moves_focus_into_it(server, page):
    # Sampled at 0 % and capped for 30 days, the report-problem survey still opens on request.
    open_report_problem(server, page)
    assert page.text_content(f"{DIALOG} h2") == "Report a problem with this page"
    assert focus_is_in_dialog(page)
    assert focused(page, "el => el.labels[0].textContent") == "Something is broken"
    page.click("[aria-label='Close survey']")
    page.click("[data-cityux-report-problem]")
    page.wait_for_selector(DIALOG)
    shown = wait_for_requests(server, page, "shown", count=2)
    assert [request["survey"] for request in shown] == ["16", "16"]


def test_escape_closes_the_survey_and_returns_focus_to_the_button(server, page):
    open_report_problem(server, page)
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0
    assert focused(page, "el => el.hasAttribute('data-cityux-report-problem')")


def test_escape_after_tabbing_in_returns_focus_to_the_page(server, page):
    server.offer(survey("seconds", 0))
    open_page(server, page)
    page.wait_for_selector(DIALOG)
    page.focus("footer a")
    page.keyboard.press("Tab")
    assert focus_is_in_dialog(page)
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0
    assert focused(page, "el => el.textContent") == "Collection days"


def test_rejected_answers_show_field_errors_and_focus_the_first_invalid_field(server, page):
    server.offer(survey("seconds", 0))
    server.answer_next(
        400,
        {
            "error": "invalid",
            "fields": {"ease": "Choose a rating from 1 to 5.", "comment": "Please shorten this."},
        },
    )
    open_page(server, page)
    choose(page, 3)
    page.fill(f"{DIALOG} textarea", "Too long, apparently")
    page.click("text=Send answers")
    page.wait_for_selector(".cityux-survey__error")
    wait_for_requests(server, page, "responses")

    assert focused(page, "el => [el.value, el.checked]") == ["3", True]
    for control, message in (
        (f"{DIALOG} input[value='3']", "Choose a rating from 1 to 5."),
        (f"{DIALOG} textarea", "Please shorten this."),
    ):
        element = page.locator(control)
        assert element.get_attribute("aria-invalid") == "true"
        error_id = element.get_attribute("aria-describedby").split()[0]
        assert page.text_content(f"#{error_id}") == f"Error: {message}"
    described = page.get_attribute(f"{DIALOG} textarea", "aria-describedby").split()
    assert page.text_content(f"#{described[1]}") == "180 characters left"


def test_required_question_left_empty_is_flagged_without_sending(server, page):
    server.offer(survey("seconds", 0))
    open_page(server, page)
    page.click("text=Send answers")
    page.wait_for_selector("text=Please answer this question.")
    assert focused(page, "el => [el.type, el.value, el.getAttribute('aria-invalid')]") == [
        "radio",
        "1",
        "true",
    ]
    page.wait_for_timeout(300)
    assert server.received("responses") == []


def test_frequency_cap_prevents_a_second_display_after_reload(server, page):
    server.offer(survey("seconds", 0, cap_days=30))
    open_page(server, page)
    page.wait_for_selector(DIALOG)
    page.reload()
    page.wait_for_selector(".cityux-survey-live", state="attached")
    assert_stays_closed(page)
    assert len(server.received("shown")) == 1


def test_survey_returns_once_its_cap_has_passed(server, page):
    server.offer(survey("seconds", 0, cap_days=30))
    open_page(server, page)
    page.wait_for_selector(DIALOG)
    page.evaluate(
        """() => {
            const record = JSON.parse(localStorage.getItem("cityux.surveys"));
            record.shown["11"] -= 31 * 24 * 3600 * 1000;
            localStorage.setItem("cityux.surveys", JSON.stringify(record));
        }"""
    )
    page.reload()
    page.wait_for_selector(DIALOG)
    assert len(wait_for_requests(server, page, "shown", count=2)) == 2


def test_sampling_at_zero_never_shows_the_survey(server, page):
    server.offer(survey("seconds", 0, sample_rate=0))
    for _ in range(2):
        open_page(server, page)
        assert_stays_closed(page, 800)
    assert server.received("shown") == []
    stored = page.evaluate("JSON.parse(localStorage.getItem('cityux.surveys'))")
    assert stored["sampled"]["11"] == [0, False]


def test_only_one_survey_is_shown_at_a_time(server, page):
    server.offer(survey("seconds", 0), survey("frustration"), survey("scroll_depth", 10))
    open_page(server, page)
    page.wait_for_selector(DIALOG)
    page.click("#broken")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(800)
    assert page.locator(DIALOG).count() == 1
    assert [request["survey"] for request in server.received("shown")] == ["11"]


def test_scroll_depth_survey_appears_once_the_page_is_scrolled_far_enough(server, page):
    server.offer(survey("scroll_depth", 90))
    open_page(server, page)
    page.mouse.wheel(0, 300)
    assert_stays_closed(page, 500)
    page.mouse.wheel(0, 5000)
    page.wait_for_selector(DIALOG)


def test_exit_intent_survey_appears_when_the_pointer_leaves_through_the_top(server, page):
    server.offer(survey("exit_intent"))
    open_page(server, page)
    page.mouse.move(600, 400)
    page.mouse.move(600, 5, steps=5)
    assert_stays_closed(page, 300)
    page.mouse.move(600, -20)
    page.wait_for_selector(DIALOG)


def test_exit_intent_never_fires_on_a_touch_screen(server, new_context):
    page = new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = page.new_page()
    server.offer(survey("exit_intent"))
    open_page(server, page)
    page.dispatch_event("html", "mouseout", {"clientX": 100, "clientY": -1})
    assert_stays_closed(page, 500)


def test_form_submit_survey_follows_a_submit_handled_on_the_page(server, page):
    server.offer(survey("form_submit"))
    open_page(server, page)
    page.fill("#postcode", "RV1 2AB")
    page.click("#in-page button")
    page.wait_for_selector(DIALOG)
    assert page.text_content("#saved") == "Collected on Tuesdays."
    assert wait_for_requests(server, page, "shown")[0]["body"]["path"] == PAGE_PATH


def test_form_submit_survey_is_shown_on_the_next_page_after_a_navigating_submit(server, page):
    server.offer(survey("form_submit"))
    open_page(server, page)
    page.fill("#street", "Mill Lane")
    with page.expect_navigation():
        page.click("text=Find my collection day")
    page.wait_for_selector(DIALOG)
    assert page.text_content("h1") == "Your collection day"
    (shown,) = wait_for_requests(server, page, "shown")
    # The answers are about the page with the form.
    assert shown["body"]["path"] == PAGE_PATH
    assert page.evaluate("sessionStorage.getItem('cityux.surveys.after_submit')") is None


@pytest.mark.parametrize("width", [1280, 375])
def test_widget_appearing_moves_nothing_on_the_page(server, new_context, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    server.offer(survey("seconds", 1), report_problem=REPORT_PROBLEM)
    boxes = """() => [...document.querySelectorAll("body *")]
        .filter((el) => !el.closest(".cityux-survey, .cityux-survey-live"))
        .map((el) => {
            const box = el.getBoundingClientRect();
            return [el.localName, box.x, box.y, box.width, box.height];
        })
        .concat([[document.documentElement.scrollWidth, document.documentElement.scrollHeight]])"""
    open_page(server, page)
    before = page.evaluate(boxes)
    page.wait_for_selector(DIALOG)
    page.wait_for_timeout(300)
    assert page.evaluate(boxes) == before


def test_widget_is_fixed_bottom_right_on_desktop_and_full_width_on_a_phone(
    server, new_context, screenshot
):
    server.offer(survey("seconds", 0, questions=[question(RATING, True), question(THUMBS)]))
    for width, name in ((1280, "desktop"), (375, "phone")):
        page = new_context(
            viewport={"width": width, "height": 800}, reduced_motion="reduce"
        ).new_page()
        open_page(server, page)
        box = page.locator(DIALOG).bounding_box()
        assert page.locator(DIALOG).evaluate("el => getComputedStyle(el).position") == "fixed"
        assert box["y"] + box["height"] == pytest.approx(800 - (16 if width > 400 else 0), abs=1)
        if width > 400:
            assert box["x"] + box["width"] == pytest.approx(width - 16, abs=1)
        else:
            assert (box["x"], box["width"]) == (0, 375)
        assert page.evaluate("document.documentElement.scrollWidth") == width
        screenshot(page, f"survey-widget-{name}")


def test_reduced_motion_turns_the_entrance_animation_off(server, new_context):
    server.offer(survey("seconds", 0))
    for motion, animation in (("no-preference", "cityux-survey-in"), ("reduce", "none")):
        page = new_context(reduced_motion=motion).new_page()
        open_page(server, page)
        name = page.locator(DIALOG).evaluate("el => getComputedStyle(el).animationName")
        assert name == animation


def test_open_widget_has_no_axe_violations(server, new_context):
    page = new_context(reduced_motion="reduce").new_page()
    questions = [question(RATING, required=True)]
    questions += [question(base) for base in (THUMBS, YES_NO, CHOICE, COMMENT)]
    server.offer(survey("seconds", 0, questions=questions))
    open_page(server, page)
    page.wait_for_selector(DIALOG)
    assert axe_violations(page) == []
    page.click("text=Send answers")  # the rating is required: errors are shown
    page.wait_for_selector(".cityux-survey__error")
    assert axe_violations(page) == []


def test_thank_you_state_has_no_axe_violations(server, new_context):
    page = new_context(reduced_motion="reduce").new_page()
    server.offer(survey("frustration"))
    open_page(server, page)
    page.click("#broken")
    choose(page, 4)
    page.click("text=Send answers")
    page.wait_for_selector(f"text={THANK_YOU}")
    assert axe_violations(page) == []
