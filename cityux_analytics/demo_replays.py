"""Short synthetic rrweb recordings for the demo's visits, built from the site's own pages.

Each recorded view is the page as the site serves it, serialised the way rrweb's recorder does
(a Meta event, a full snapshot of the DOM), followed by the visit's clicks on the recorded
elements. Masking follows the recorder's strict mode (static/cityux_analytics/replay.js): every
text is masked except in `[data-cityux-unmask]` regions, `[data-cityux-mask]` always, form
fields' values and texts always, `[data-cityux-block]` kept as an empty box; scripts are left out.
"""

import re
from html.parser import HTMLParser

from django.test import Client

# rrweb's node and event types (rrweb-snapshot NodeType, rrweb EventType, IncrementalSource).
DOCUMENT, DOCTYPE, ELEMENT, TEXT = 0, 1, 2, 3
FULL_SNAPSHOT, INCREMENTAL, META = 2, 3, 4
MOUSE_MOVE, MOUSE_INTERACTION, CLICK = 1, 2, 2
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr"}  # fmt: skip
LEFT_OUT_TAGS = {"script", "noscript", "template"}
FIELD_TAG = re.compile(r"^(input|textarea|select|option)$")
WORDY_ATTRIBUTE = re.compile(
    r"^(placeholder|title|alt|aria-label|aria-description|aria-valuetext|href|data-.*)$"
)
EMAIL = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[a-z]{2,}", re.IGNORECASE)
PHONE_LIKE = re.compile(r"\+?\(?\d[\d\s()./-]{5,}\d")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
VIEWPORT = {"width": 1280, "height": 900}


def mask_all(text):
    return re.sub(r"\S", "*", text)


def scrub(text):
    """E-mail addresses and phone numbers masked, as the recorder does in unmasked regions."""
    text = EMAIL.sub(lambda match: mask_all(match.group()), text)

    def phone(match):
        run = match.group()
        digits = re.sub(r"\D", "", run)
        return mask_all(run) if len(digits) >= 7 and not ISO_DATE.match(run) else run

    return PHONE_LIKE.sub(phone, text)


class _Snapshot(HTMLParser):
    """The rrweb node tree of one HTML document, masked; `ids` maps element ids to node ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.next_id = 1
        self.root = {"type": DOCUMENT, "childNodes": [], "id": self._id()}
        # (node, masked, blocked, left_out) of each open element.
        self.stack = [(self.root, True, False, False)]
        self.ids = {}

    def _id(self):
        self.next_id += 1
        return self.next_id - 1

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype"):
            node = {"type": DOCTYPE, "name": "html", "publicId": "", "systemId": ""}
            node["id"] = self._id()
            self.root["childNodes"].append(node)

    def handle_starttag(self, tag, attrs):
        parent, masked, blocked, left_out = self.stack[-1]
        attributes = {name: value or "" for name, value in attrs}
        if tag in LEFT_OUT_TAGS or blocked or left_out:
            if tag not in VOID_TAGS:
                self.stack.append((parent, masked, blocked, True))
            return
        if "data-cityux-mask" in attributes:
            masked = True
        elif "data-cityux-unmask" in attributes:
            masked = False
        node = {"type": ELEMENT, "tagName": tag, "attributes": attributes, "childNodes": []}
        node["id"] = self._id()
        is_blocked = "data-cityux-block" in attributes
        if is_blocked:
            box = {"rr_width": "100%", "rr_height": "120px"}
            node["attributes"] = {"class": attributes.get("class", ""), **box}
        else:
            self._mask_attributes(tag, node["attributes"], masked)
        if attributes.get("id"):
            self.ids[attributes["id"]] = node["id"]
        parent["childNodes"].append(node)
        if tag not in VOID_TAGS:
            self.stack.append((node, masked, is_blocked, False))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        parent, masked, blocked, left_out = self.stack[-1]
        if blocked or left_out or parent is self.root:
            return
        tag = parent.get("tagName", "")
        if tag == "style":  # the recorder keeps stylesheets as they are
            text = data
        elif masked or FIELD_TAG.match(tag):
            text = mask_all(data)
        else:
            text = scrub(data)
        parent["childNodes"].append({"type": TEXT, "textContent": text, "id": self._id()})

    @staticmethod
    def _mask_attributes(tag, attributes, masked):
        if "value" in attributes and FIELD_TAG.match(tag):
            attributes["value"] = mask_all(attributes["value"])
        attributes.pop("checked", None)
        attributes.pop("selected", None)
        for name, value in list(attributes.items()):
            if not WORDY_ATTRIBUTE.match(name) or (name == "href" and tag not in ("a", "area")):
                continue
            whole = masked or name == "placeholder" or (name != "href" and FIELD_TAG.match(tag))
            if name == "href":
                value = re.sub(r"\?[^#]*", "", value)
            attributes[name] = mask_all(value) if whole else scrub(value)


def page_snapshot(html):
    """(rrweb node tree, {element id: node id}) of the page's HTML, masked."""
    parser = _Snapshot()
    parser.feed(html)
    parser.close()
    return parser.root, parser.ids


class PageSnapshots:
    """The served pages of the demo site, fetched and serialised once per URL."""

    def __init__(self, site_url="http://127.0.0.1:8000"):
        self.client = Client(raise_request_exception=False)  # a broken page: no replay
        self.site_url = site_url.rstrip("/")
        self.pages = {}

    def get(self, url):
        if url not in self.pages:
            response = self.client.get(url)
            html = response.content.decode() if response.status_code == 200 else ""
            self.pages[url] = page_snapshot(html) if html else None
        return self.pages[url]


def recording_of(events, snapshot_of, site_url):
    """The rrweb events of a demo visit (its tracker events), or [] if no page of it is served.

    `snapshot_of(url)` gives a page's (node tree, ids) as `page_snapshot` does, or None.
    """
    recording, ids = [], {}
    for event in events:
        if event["t"] == "view":
            served = snapshot_of(event["url"])
            if served is None:
                ids = {}
                continue
            node, ids = served
            href = site_url.rstrip("/") + event["url"]
            snapshot = {"node": node, "initialOffset": {"top": 0, "left": 0}}
            recording.append(
                {"type": META, "data": {"href": href, **VIEWPORT}, "timestamp": event["ts"]}
            )
            recording.append(
                {"type": FULL_SNAPSHOT, "data": snapshot, "timestamp": event["ts"] + 1}
            )
        elif event["t"] == "click" and ids:
            target = ids.get(event["sel"].lstrip("#"), 0) if event["sel"].startswith("#") else 0
            x, y = event["x"], event["y"] % VIEWPORT["height"]
            position = {"x": x, "y": y, "id": target, "timeOffset": 0}
            move = {"source": MOUSE_MOVE, "positions": [position]}
            recording.append({"type": INCREMENTAL, "data": move, "timestamp": event["ts"] - 200})
            click = {"source": MOUSE_INTERACTION, "type": CLICK, "id": target, "x": x, "y": y}
            recording.append({"type": INCREMENTAL, "data": click, "timestamp": event["ts"]})
    recording.sort(key=lambda event: event["timestamp"])  # stable: a snapshot stays after its Meta
    return recording
