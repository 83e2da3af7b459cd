"""The tracker names what residents click in the page's own words, and nothing private.

Against the same local collector as test_tracker.py (every batch is checked by `parse_batch`).
"""

import threading

import pytest

from .test_tracker import TYPED, Collector, events_of, leave, open_harness


@pytest.fixture
def collector():
    server = Collector()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


NAMES = "/names.html"
EMPTY = {"role": "", "name": "", "ctx": "", "ctxr": ""}


def names(click):
    return {key: click[key] for key in EMPTY}


def clicks_on(collector, page, path, *selectors):
    open_harness(collector, page, path)
    for selector in selectors:
        page.click(selector)
    return events_of(leave(collector, page), "click")


def test_a_button_is_named_by_its_text_in_the_form_its_heading_names(collector, page):
    (click,) = clicks_on(collector, page, NAMES, "#send")
    assert click["sel"] == "#send"
    assert names(click) == {
        "role": "button",
        "name": "Submit report",
        "ctx": "Report a pothole",
        "ctxr": "form",
    }


def test_masked_text_inside_a_button_is_left_out_of_its_name(collector, page):
    clicks_on(collector, page, NAMES, "#send")
    assert b"Jane" not in collector.raw_bytes()


def test_an_image_link_is_named_by_its_alt_text_in_its_labelled_landmark(collector, page):
    (click,) = clicks_on(collector, page, NAMES, "#gritting")
    assert names(click) == {
        "role": "link",
        "name": "Gritting routes",
        "ctx": "Road services",
        "ctxr": "navigation",
    }


def test_a_label_is_named_without_the_text_of_its_field(collector, page):
    # The browser passes the click on to the field: that second click is the textarea's.
    click, on_field = clicks_on(collector, page, NAMES, "#describe")
    assert on_field["tag"] == "textarea" and on_field["name"] == ""
    assert names(click) == {
        "role": "label",
        "name": "Describe it",
        "ctx": "Report a pothole",
        "ctxr": "form",
    }
    assert b"Ziggurat" not in collector.raw_bytes()


def test_a_text_field_has_no_name_and_what_is_typed_is_never_sent(collector, page):
    open_harness(collector, page, NAMES)
    page.click("#street")
    page.keyboard.type(TYPED)
    clicks = events_of(leave(collector, page), "click")
    assert names(clicks[0]) == {**EMPTY, "ctx": "Report a pothole", "ctxr": "form"}
    assert TYPED.encode() not in collector.raw_bytes()


def test_nothing_is_named_inside_a_masked_region(collector, page):
    (click,) = clicks_on(collector, page, NAMES, "#mine")
    assert names(click) == EMPTY
    assert b"Jane" not in collector.raw_bytes()
    assert b"4411" not in collector.raw_bytes()


def test_plain_text_gets_only_the_heading_it_sits_under(collector, page):
    (click,) = clicks_on(collector, page, NAMES, "#plain")
    assert names(click) == {**EMPTY, "ctx": "Roads and pavements", "ctxr": "main"}
    assert b"freezing" not in collector.raw_bytes()


def test_an_email_address_in_a_link_is_redacted_from_its_name(collector, page):
    (click,) = clicks_on(collector, page, NAMES, "#write")
    assert click["name"] == "Write to redacted"
    assert b"example.org" not in collector.raw_bytes()


def test_a_page_about_the_resident_names_nothing(collector, page):
    clicks = clicks_on(collector, page, "/private.html", "#send", "#gritting", "#plain")
    assert [names(click) for click in clicks] == [EMPTY] * 3
    raw = collector.raw_bytes()
    for words in (b"Submit report", b"Gritting routes", b"Report a pothole", b"Roads and"):
        assert words not in raw


def test_a_heading_names_the_part_it_heads_not_an_unnamed_landmark_inside_it(collector, page):
    (click,) = clicks_on(collector, page, NAMES, "#locate")
    # The search form has no heading of its own: "Roads and pavements" heads <main>.
    assert names(click) == {
        "role": "button",
        "name": "Find my street",
        "ctx": "Roads and pavements",
        "ctxr": "main",
    }
