"""My data shown in plain words: labels, values and local times."""

import datetime
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def label_for(key):
    """ "first_seen" → "First seen"."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def plain_text(value):
    """A stored value as a short line of text for the my-data page (the download has it all)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, dict):
        return "; ".join(f"{label_for(key)}: {plain_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(
            " ".join(plain_text(part) for part in item.values())
            if isinstance(item, dict)
            else plain_text(item)
            for item in value
        )
    if isinstance(value, str) and ISO_INSTANT.match(value):
        return local_words(value)
    return str(value)


# An instant as the sources store it for the download: "2026-12-05T14:03:00+00:00".
ISO_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)$")


def local_words(text):
    """An ISO 8601 instant as a date and time on the site's clock: "5 December 2026, 14:03"."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def display_rows(rows):
    """Each row (a dict) as [(label, text)] for a definition list."""
    return [[(label_for(key), plain_text(value)) for key, value in row.items()] for row in rows]
