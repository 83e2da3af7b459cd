"""The demo's synthetic replays: pages serialised like rrweb's snapshot, masked as recorded."""

import json

from cityux_analytics.demo_replays import page_snapshot, recording_of

SITE = "http://127.0.0.1:8000"
PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Report a pothole</title><style>main { color: red; }</style>
<script>window.secret = "run me";</script></head>
<body>
<header data-cityux-unmask><p>City of Riverton</p><p>Write to help@riverton.example</p>
  <p data-cityux-mask>Signed in as Jane Roe</p></header>
<main id="main-content"><h1>Report a pothole</h1>
  <input id="where" name="where" value="12 Elm Street" placeholder="Your street">
  <textarea id="details">a deep one</textarea>
  <section data-cityux-block><p>Your case 4412</p></section>
  <button id="send" data-cityux-unmask>Send report</button>
</main></body></html>"""


def texts(node):
    if node["type"] == 3:
        yield node["textContent"]
    for child in node.get("childNodes", []):
        yield from texts(child)


def elements(node):
    if node["type"] == 2:
        yield node
    for child in node.get("childNodes", []):
        yield from elements(child)


def by_id(root, element_id):
    return next(e for e in elements(root) if e["attributes"].get("id") == element_id)


def test_the_sites_own_words_are_kept_and_everything_else_is_masked():
    root, _ids = page_snapshot(PAGE)
    words = " ".join(texts(root))
    assert "City of Riverton" in words and "Send report" in words
    for private in ("Report a pothole", "Jane Roe", "help@riverton.example", "a deep one"):
        assert private not in words
    assert "main { color: red; }" in words  # stylesheets stay, or the replay has no layout


def test_field_values_placeholders_scripts_and_blocked_regions_are_left_out():
    root, _ids = page_snapshot(PAGE)
    stored = json.dumps(root)
    for private in ("12 Elm Street", "Your street", "run me", "4412"):
        assert private not in stored
    assert not any(e["tagName"] == "script" for e in elements(root))
    blocked = next(e for e in elements(root) if e["tagName"] == "section")
    assert blocked["childNodes"] == [] and "rr_width" in blocked["attributes"]


def test_clicks_on_an_element_with_an_id_target_its_node():
    root, ids = page_snapshot(PAGE)
    assert ids["send"] == by_id(root, "send")["id"]
    events = [
        {"t": "view", "ts": 1_000, "url": "/report/"},
        {"t": "click", "ts": 2_000, "sel": "#send", "x": 10, "y": 20},
    ]
    recording = recording_of(events, {"/report/": (root, ids)}.get, SITE)
    assert [event["type"] for event in recording] == [4, 2, 3, 3]
    assert recording[0]["data"]["href"] == SITE + "/report/"
    assert recording[-1]["data"] == {"source": 2, "type": 2, "id": ids["send"], "x": 10, "y": 20}
    assert [event["timestamp"] for event in recording] == sorted(
        event["timestamp"] for event in recording
    )


def test_a_visit_to_pages_that_are_not_served_has_no_recording():
    events = [{"t": "view", "ts": 1_000, "url": "/gone/"}]
    assert recording_of(events, {}.get, SITE) == []
