"""Scrubbing of anything that could identify a resident before it is stored."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}|[A-Fa-f0-9]{16,}")
SENSITIVE_KEYS = re.compile(
    r"token|key|auth|session|sid|pass|secret|code|email|mail|phone|tel|name|address|ssn",
    re.IGNORECASE,
)
REDACTED = "redacted"


def scrub_text(text):
    """Replace e-mail addresses and phone numbers in free text."""
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))


def _looks_private(key, value):
    return bool(
        SENSITIVE_KEYS.search(key)
        or EMAIL.search(value)
        or PHONE.fullmatch(value.strip())
        or TOKEN.fullmatch(value)
    )


def scrub_url(url):
    """Path plus a query string whose private-looking values are redacted; no host, no hash."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not parts.query:
        return path
    query = [
        (key, REDACTED if _looks_private(key, value) else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return f"{path}?{urlencode(query)}"
