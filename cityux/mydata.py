"""The "my data" registry: every app that keeps data about a resident plugs it in here.

`cityux_personalize` shows, downloads and deletes it on the resident's "My data" page; the
other apps register what they hold without knowing that app::

    from cityux.mydata import register_data_source

    register_data_source(
        "survey_answers",
        label="Your survey answers",
        description="Answers you gave in “Tell us what you think” boxes.",
        collect=lambda subject: [...],   # a list of plain dicts (JSON-ready)
        delete=lambda subject: count,    # removes every row, returns how many
    )

`collect` and `delete` receive a `DataSubject`: the request, the anonymous visitor ids of the
resident's profile and of every profile merged into it, and the signed-in user (or None).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .consent import PERSONALIZATION, has_consent

# The anonymous visitor id's cookie: set by cityux_personalize, only with personalisation
# consent (the consent group "personalization" lists it, so declining deletes it).
VISITOR_COOKIE = "cityux_vid"


def consented_visitor_id(request):
    """The visitor id of a resident who agreed to personalisation (and sends no GPC / DNT).

    Other apps tag what they store with it, so "My data" can show and delete it; None for
    everyone else, and for a cookie that is not a valid id.
    """
    value = request.COOKIES.get(VISITOR_COOKIE)
    if not value or not has_consent(request, PERSONALIZATION):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class DataSubject:
    """Whose data: the ids of the visitor's profiles (theirs and those merged into it)."""

    request: Any
    profile_ids: tuple[int, ...] = ()
    visitor_ids: tuple[uuid.UUID, ...] = ()
    user: Any = None

    @property
    def is_empty(self):
        return not self.profile_ids and self.user is None


@dataclass(frozen=True)
class DataSource:
    name: str
    label: str
    collect: Callable[[DataSubject], list[dict]]
    delete: Callable[[DataSubject], int]
    description: str = ""
    order: int = 100


_sources: dict[str, DataSource] = {}


def register_data_source(name, *, label, collect, delete, description="", order=100):
    """Add (or replace, by name) a kind of data shown, downloaded and deleted on my-data."""
    _sources[name] = DataSource(name, label, collect, delete, description, order)
    return _sources[name]


def data_sources():
    return sorted(_sources.values(), key=lambda source: (source.order, source.name))
