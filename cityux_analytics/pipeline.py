"""The processing behind the Celery tasks: close, detect, score, roll up and purge.

Every step is idempotent: running it again over the same data gives the same rows.
"""

import datetime

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .conf import analytics_setting
from .detectors import detect_all, score_sessions
from .ingest import from_ms
from .models import (
    DepartmentDailyStats,
    ElementDailyStats,
    FrustrationSignal,
    PageDailyStats,
    PageView,
    RawEvent,
    SignalKind,
    TrackedSession,
)

EVENT_COLUMNS = [
    "session_id", "view_id", "ts", "type", "x", "y", "selector", "tag", "interactive",
    "input_kind", "reaction", "reaction_ms", "message", "source", "direction_changes",
    "distance", "depth", "form", "action",
]  # fmt: skip
TEXT_COLUMNS = ["selector", "tag", "input_kind", "reaction", "message", "source", "form", "action"]
KINDS = list(SignalKind.values)


def close_idle_sessions(now=None):
    """Close sessions with no event for CITYUX_ANALYTICS["SESSION_IDLE_MINUTES"] (30)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=analytics_setting("SESSION_IDLE_MINUTES"))
    return TrackedSession.objects.filter(closed_at__isnull=True, last_event_at__lt=cutoff).update(
        closed_at=now
    )


def sessions_awaiting_detection(limit=500):
    """Closed sessions never detected, or reopened by a late batch since."""
    return list(
        TrackedSession.objects.filter(closed_at__isnull=False, detected_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def events_frame(session_pks, where=None):
    """The detectors' input DataFrame (see detectors.py) for these sessions; `where` (a Q on
    `session_id` and `view_id`) narrows it to some of their page views."""
    where = where if where is not None else Q()
    rows = (
        RawEvent.objects.filter(where, session_id__in=session_pks)
        .order_by("session_id", "ts", "pk")
        .values_list(*EVENT_COLUMNS)
    )
    events = pd.DataFrame.from_records(list(rows), columns=EVENT_COLUMNS)
    urls = pd.DataFrame.from_records(
        list(
            PageView.objects.filter(where, session_id__in=session_pks).values_list(
                "session_id", "view_id", "url"
            )
        ),
        columns=["session_id", "view_id", "url"],
    )
    events = events.merge(urls, on=["session_id", "view_id"], how="left")
    events["url"] = events["url"].fillna("")
    events["session_id"] = events["session_id"].astype(str)
    events["ts"] = events["ts"].astype("int64")
    events["view_id"] = events["view_id"].astype("int64")
    for column in TEXT_COLUMNS:
        events[column] = events[column].fillna("")
    events["interactive"] = events["interactive"].fillna(False).astype(bool)
    for column in ["x", "y", "reaction_ms", "distance", "depth", "direction_changes"]:
        events[column] = pd.to_numeric(events[column], errors="coerce").astype("float64")
    return events


@transaction.atomic
def detect_sessions(session_pks):
    """Detect and score these sessions; returns the local dates whose rollups changed."""
    if not session_pks:
        return set()
    # Live detection (live.py) writes the signals of open sessions: one writer at a time.
    list(TrackedSession.objects.select_for_update().filter(pk__in=session_pks).values("pk"))
    events = events_frame(session_pks)
    signals = detect_all(events)
    scores = score_sessions(signals, events)
    FrustrationSignal.objects.filter(session_id__in=session_pks).delete()
    FrustrationSignal.objects.bulk_create(signal_rows(signals, session_pks), batch_size=1000)
    now = timezone.now()
    score_of = dict(zip(scores["session_id"].astype(int), scores["score"].astype(int), strict=True))
    sessions = list(TrackedSession.objects.filter(pk__in=session_pks))
    for session in sessions:
        session.score = score_of.get(session.pk, 0)
        session.detected_at = now
    TrackedSession.objects.bulk_update(sessions, ["score", "detected_at"], batch_size=500)
    return set(
        timezone.localtime(started).date()
        for started in PageView.objects.filter(session_id__in=session_pks)
        .values_list("started_at", flat=True)
        .distinct()
    )


def signal_rows(signals, session_pks):
    """FrustrationSignal instances (unsaved) for the detectors' `signals` frame."""
    views = {
        (session_id, view_id): (page_id, department_id)
        for session_id, view_id, page_id, department_id in PageView.objects.filter(
            session_id__in=session_pks
        ).values_list("session_id", "view_id", "page_id", "department_id")
    }
    rows = []
    for row in signals.itertuples(index=False):
        session_id = int(row.session_id)
        page_id, department_id = views.get((session_id, int(row.view_id)), (None, None))
        rows.append(
            FrustrationSignal(
                session_id=session_id,
                view_id=int(row.view_id),
                url=row.url,
                page_id=page_id,
                department_id=department_id,
                kind=row.kind,
                selector=row.selector or "",
                count=int(row.count),
                detail=row.detail or "",
                occurred_at=from_ms(int(row.ts)),
            )
        )
    return rows


def _day_bounds(day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _frame(queryset, columns):
    return pd.DataFrame.from_records(list(queryset.values_list(*columns)), columns=columns)


def _counts(views, signals, key):
    """Views, sessions, frustrated sessions, score sum and per-kind signals grouped by `key`."""
    grouped = views.groupby(key, dropna=False)
    table = pd.DataFrame({"views": grouped.size(), "sessions": grouped["session_id"].nunique()})
    unique_sessions = views.drop_duplicates([key, "session_id"])
    table["score_sum"] = unique_sessions.groupby(key, dropna=False)["score"].sum()
    by_kind = signals.groupby([key, "kind"], dropna=False).size().unstack(fill_value=0)
    table = table.join(by_kind.reindex(columns=KINDS, fill_value=0), how="outer")
    frustrated = signals.groupby(key, dropna=False)["session_id"].nunique()
    table["frustrated_sessions"] = frustrated
    return table.fillna(0).astype("int64")


def _nullable(value):
    return None if pd.isna(value) else int(value)


@transaction.atomic
def rollup_day(day, urls=None, department_ids=None):
    """Recompute the page, department and element rollups of one local day (an upsert).

    With `urls` and `department_ids` (live detection), only the rows of those pages and
    departments are recomputed, each from all of its views and signals of the day.
    """
    start, end = _day_bounds(day)
    only = Q()
    if urls is not None:
        only = Q(url__in=urls) | Q(department_id__in=department_ids or [])
    views = _frame(
        PageView.objects.filter(only, started_at__gte=start, started_at__lt=end),
        ["url", "session_id", "page_id", "department_id", "session__score"],
    ).rename(columns={"session__score": "score"})
    views["score"] = views["score"].fillna(0)
    signals = _frame(
        FrustrationSignal.objects.filter(only, occurred_at__gte=start, occurred_at__lt=end),
        ["url", "session_id", "kind", "department_id", "selector", "detail"],
    )
    if urls is not None:
        return _rollup_some(day, views, signals, urls, department_ids or [])
    return _rollup(day, views, signals, PageDailyStats.objects.filter(date=day))


def _rollup_some(day, views, signals, urls, department_ids):
    on_pages = views["url"].isin(urls), signals["url"].isin(urls)
    in_departments = (
        views["department_id"].isin(department_ids),
        signals["department_id"].isin(department_ids),
    )
    page_rows = _rollup_pages(
        day,
        views[on_pages[0]],
        signals[on_pages[1]],
        PageDailyStats.objects.filter(date=day, url__in=urls),
    )
    _rollup_departments(
        day,
        views[in_departments[0]],
        signals[in_departments[1]],
        DepartmentDailyStats.objects.filter(date=day, department_id__in=department_ids),
    )
    _rollup_elements(
        day, signals[on_pages[1]], ElementDailyStats.objects.filter(date=day, url__in=urls)
    )
    return page_rows


def _rollup(day, views, signals, old_pages):
    page_rows = _rollup_pages(day, views, signals, old_pages)
    _rollup_departments(day, views, signals, DepartmentDailyStats.objects.filter(date=day))
    _rollup_elements(day, signals, ElementDailyStats.objects.filter(date=day))
    return page_rows


COUNT_FIELDS = ["views", "sessions", "frustrated_sessions", "score_sum", *KINDS]


def _rollup_pages(day, views, signals, old_rows):
    count_fields = COUNT_FIELDS
    pages = _counts(views, signals, "url")
    owners = views.drop_duplicates("url").set_index("url")[["page_id", "department_id"]]
    page_rows = [
        PageDailyStats(
            date=day,
            url=url,
            page_id=_nullable(owners["page_id"].get(url)),
            department_id=_nullable(owners["department_id"].get(url)),
            **{field: int(row[field]) for field in count_fields},
        )
        for url, row in pages.iterrows()
    ]
    old_rows.exclude(url__in=list(pages.index)).delete()
    PageDailyStats.objects.bulk_create(
        page_rows,
        update_conflicts=True,
        unique_fields=["url", "date"],
        update_fields=["page", "department", *count_fields],
        batch_size=500,
    )
    return len(page_rows)


def _rollup_departments(day, views, signals, old_rows):
    count_fields = COUNT_FIELDS
    owned_views = views.dropna(subset=["department_id"])
    owned_signals = signals.dropna(subset=["department_id"])
    departments = _counts(owned_views, owned_signals, "department_id")
    old_rows.exclude(department_id__in=[int(d) for d in departments.index]).delete()
    DepartmentDailyStats.objects.bulk_create(
        [
            DepartmentDailyStats(
                date=day,
                department_id=int(department_id),
                **{field: int(row[field]) for field in count_fields},
            )
            for department_id, row in departments.iterrows()
        ],
        update_conflicts=True,
        unique_fields=["department", "date"],
        update_fields=count_fields,
        batch_size=500,
    )


def _rollup_elements(day, signals, old_rows):
    old_rows.delete()
    if not signals.empty:
        keys = ["department_id", "url", "kind", "selector", "detail"]
        elements = signals.groupby(keys, dropna=False).agg(
            signals=("session_id", "size"), sessions=("session_id", "nunique")
        )
        ElementDailyStats.objects.bulk_create(
            [
                ElementDailyStats(
                    date=day,
                    department_id=_nullable(department_id),
                    url=url,
                    kind=kind,
                    selector=selector,
                    detail=detail,
                    signals=int(row["signals"]),
                    sessions=int(row["sessions"]),
                )
                for (department_id, url, kind, selector, detail), row in elements.iterrows()
            ],
            batch_size=1000,
        )


def process_closed_sessions(now=None, batch_size=500):
    """Close idle sessions, detect every closed one not yet detected, roll up changed days."""
    close_idle_sessions(now)
    days = set()
    while pks := sessions_awaiting_detection(batch_size):
        days |= detect_sessions(pks)
    for day in sorted(days):
        rollup_day(day)
    return days


def purge_expired(now=None, days=None):
    """Delete sessions (with their events, views and signals) older than `days` (default:
    the RETENTION_DAYS setting); rollups stay."""
    now = now or timezone.now()
    days = days or analytics_setting("RETENTION_DAYS")
    cutoff = now - datetime.timedelta(days=days)
    old_events = RawEvent.objects.filter(ts__lt=int(cutoff.timestamp() * 1000)).delete()[0]
    old_sessions = TrackedSession.objects.filter(last_event_at__lt=cutoff).delete()[0]
    return old_events + old_sessions
