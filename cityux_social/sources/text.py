"""Plain text from the HTML of a post (Mastodon sends `content` as HTML)."""

import html
import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_DROPPED = {"script", "style", "template"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED:
            self.dropping += 1
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


def html_to_text(markup):
    """The readable text of `markup`: tags removed, entities decoded, paragraphs kept apart."""
    if not markup:
        return ""
    if "<" not in markup:
        return html.unescape(markup).strip()
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    lines = "".join(collector.parts).split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


_SUFFIX = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Court|Ct|Way|Boulevard|Blvd|Place|Pl|"
    r"Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Alley|Square|Sq)\b\.?"
)
_NAME = r"(?:[A-Z][\w'-]*|\d+(?:st|nd|rd|th))"
_CROSS = rf"{_NAME}(?: {_SUFFIX})?"
_ADDRESS_PATTERNS = [
    # "42 Birch Road", "812 Birch Rd."
    re.compile(rf"\b\d{{1,5}}(?: {_NAME}){{1,3}} {_SUFFIX}"),
    # "Main and 3rd", "Cherry & 8th", "Elm St and 9th Ave"
    re.compile(rf"(?<![\w-]){_CROSS}(?: (?:and|&) |\s?&\s?|/){_CROSS}(?![\w-])"),
    # "on Elm Street", "along Cedar Drive"
    re.compile(rf"\b(?:on|at|along|near|in front of|outside|by) ((?:{_NAME} ){{1,3}}{_SUFFIX})"),
]
_NOT_A_NAME = {"I", "The", "A", "An", "It", "This", "That", "My", "Our", "And", "Please"}


def extract_address(text):
    """The street address or intersection a post names, as written ('' if none is found)."""
    for pattern in _ADDRESS_PATTERNS:
        for found in pattern.finditer(text or ""):
            address = found.group(found.lastindex or 0).strip().rstrip(".")
            if address.split()[0] in _NOT_A_NAME or not re.search(r"\b[A-Z]", address):
                continue  # "between 9th and 12th" is a stretch of some street, not a corner
            return address
    return ""
