"""The "my data" registry: every app that keeps data about a resident plugs it in here.

`cityux_personalize` shows, downloads and deletes it on the resident's "My data" page; the
other apps register what they hold, from their `AppConfig.ready()`, without knowing that app::

    from cityux.mydata import register_data_source

    register_data_source(
        "survey_answers",
        label="Your survey answers",
        description="Answers you gave in “Tell us what you think” boxes.",
        collect=lambda subject: [...],   # a list of plain dicts (JSON-ready)
        delete=lambda subject: count,    # removes every row, returns how many
    )

`collect` and `delete` receive a `DataSubject`: the request, the anonymous visitor ids of the
resident's profile and of every profile merged into it, and the signed-in user (or None). A
source that holds tracked sessions also gives `session_ids(subject)`: their ids get a tombstone
(`cityux.tombstones`) before the rows go, so data still in flight is dropped when it arrives.

The data map: every model of every CityUX app says what it holds and how long it is kept, so
that the README's privacy table and a test (tests/cityux/test_data_map.py) keep up with the
models. A model that ties rows to a visitor or a session names the fields that do it and the
"My data" sources (or the retention) that cover it::

    from cityux.mydata import register_table

    register_table(
        "cityux_analytics.RawEvent",
        holds="Each click, scroll and page view of a tracked visit (no typed text).",
        why="To find where residents get stuck.",
        linked_by=("session",),
        mydata=("analytics_sessions",),
        retention_days=lambda: analytics_setting("RETENTION_DAYS"),
        kept="RETENTION_DAYS (30 days)",
    )
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
    session_ids: Callable[[DataSubject], list[str]] | None = None


_sources: dict[str, DataSource] = {}


def register_data_source(
    name, *, label, collect, delete, description="", order=100, session_ids=None
):
    """Add (or replace, by name) a kind of data shown, downloaded and deleted on my-data.

    `session_ids(subject)`, if given, lists the tracked session ids the deletion removes: they
    get a tombstone first.
    """
    _sources[name] = DataSource(name, label, collect, delete, description, order, session_ids)
    return _sources[name]


def data_sources():
    return sorted(_sources.values(), key=lambda source: (source.order, source.name))


def forget_subject(subject):
    """Tombstone the subject's visitor ids and every session id a source names; returns how
    many ids. Run before the deletion's transaction (see cityux.tombstones)."""
    from .tombstones import forget, forget_visitors

    session_ids = [
        sid
        for source in data_sources()
        if source.session_ids is not None
        for sid in source.session_ids(subject)
    ]
    return forget(None, session_ids) + forget_visitors(subject.visitor_ids)


# -- the data map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """What one model holds about residents, why, how long, and what covers it."""

    model: str
    holds: str
    why: str
    linked_by: tuple[str, ...] = ()
    mydata: tuple[str, ...] = ()
    retention_days: Callable[[], int] | None = None
    kept: str = ""

    @property
    def personal(self):
        return bool(self.linked_by)


_tables: dict[str, Table] = {}


def register_table(model, *, holds, why, linked_by=(), mydata=(), retention_days=None, kept=""):
    """Declare one model ("app_label.ModelName") in the data map.

    `linked_by`: the fields that tie a row to a visitor or a session (empty for a table that
    holds nobody's data); `mydata`: the data sources that show, download and delete those rows;
    `retention_days`: a callable returning the days rows are kept (read when called); `kept`:
    the same in words, for the README.
    """
    _tables[model.lower()] = Table(
        model, holds, why, tuple(linked_by), tuple(mydata), retention_days, kept
    )
    return _tables[model.lower()]


def data_map():
    """{"app_label.modelname": Table} of every declared model."""
    return dict(_tables)


def longest_retention_days(default=400):
    """The longest retention in the data map (what a tombstone must outlive)."""
    days = [
        table.retention_days()
        for key, table in _tables.items()
        if table.retention_days and key != "cityux.tombstone"  # which is derived from this
    ]
    return max((day for day in days if day), default=default)


def register_core_tables():
    """The core's own part of the data map."""
    from .tombstones import retention_days

    register_table(
        "cityux.Tombstone",
        holds="A keyed hash (HMAC-SHA256) of each deleted visitor id and session id; the ids "
        "cannot be read back from it.",
        why="So that data still on its way from a resident's open tab after they deleted "
        "their data is dropped, and the deletion stays final.",
        linked_by=("digest",),
        retention_days=retention_days,
        kept="The longest retention of any table below (or TOMBSTONE_RETENTION_DAYS)",
    )
    for model, holds in (
        ("Department", "The city's departments, their contact address and lead group."),
        ("DepartmentRootPage", "Which part of the page tree each department owns."),
    ):
        register_table(
            f"cityux.{model}",
            holds=holds,
            why="Who sees which reports; no resident's data.",
            kept="Until deleted by staff",
        )
