"""Live detection: signals of open sessions from their new batches (cityux_analytics/live.py)."""

import datetime
import os
import uuid

import pytest
from django.utils import timezone

from cityux_analytics import pipeline, tasks
from cityux_analytics.ingest import from_ms, ingest_batch
from cityux_analytics.live import detect_live, pipeline_lock
from cityux_analytics.models import (
    DepartmentDailyStats,
    ElementDailyStats,
    FrustrationSignal,
    PageDailyStats,
    TrackedSession,
)
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, batch, click, error, new_sid, view

pytestmark = pytest.mark.django_db
DAY = timezone.localtime(from_ms(T0)).date()
LATER = from_ms(T0) + datetime.timedelta(minutes=31)


def _rage(start, vid=0, sel="#submit", clicks=3):
    return [
        click(start + 300 * i, sel=sel, vid=vid, reaction="mutation", rms=40) for i in range(clicks)
    ]


def _frustrated_events():
    return [
        view("/business/apply/", T0),
        *_rage(T0 + 1000),
        click(T0 + 9000, sel="#logo"),
        click(T0 + 20000, sel="#pay", reaction="mutation", rms=40),
        error(T0 + 20300),
    ]


def _kinds():
    return sorted(FrustrationSignal.objects.values_list("kind", "count"))


def _page_counts():
    page = PageDailyStats.objects.get(date=DAY, url="/business/apply/")
    return page.rage_click, page.dead_click, page.error_click, page.sessions


def test_an_open_sessions_signals_reach_the_rollups_before_it_closes(licence_page):
    ingest_batch(batch(_frustrated_events()))

    assert detect_live() == 1

    assert TrackedSession.objects.get().closed_at is None
    assert _kinds() == [("dead_click", 1), ("error_click", 1), ("rage_click", 3)]
    assert _page_counts() == (1, 1, 1, 1)
    department = DepartmentDailyStats.objects.get(date=DAY)
    assert (department.department.slug, department.signals) == ("economic-development", 3)
    assert ElementDailyStats.objects.get(kind="rage_click").selector == "#submit"
    assert TrackedSession.objects.get().score > 0


def test_a_session_without_new_events_is_not_looked_at_again(licence_page):
    ingest_batch(batch(_frustrated_events()))
    detect_live()

    assert detect_live() == 0
    assert _kinds() == [("dead_click", 1), ("error_click", 1), ("rage_click", 3)]


def test_a_streak_split_over_two_batches_is_one_rage_click(licence_page):
    sid = new_sid()
    ingest_batch(batch([view("/business/apply/", T0), *_rage(T0 + 1000, clicks=2)], sid=sid))
    detect_live()
    assert _kinds() == []

    ingest_batch(batch(_rage(T0 + 1600, clicks=2), sid=sid, seq=1))
    detect_live()

    assert _kinds() == [("rage_click", 4)]
    assert _page_counts()[0] == 1


def test_only_the_views_new_events_touch_are_detected_again(licence_page):
    sid = new_sid()
    earlier_views = [
        view("/business/apply/", T0),
        *_rage(T0 + 1000),
        view("/business/", T0 + 60_000, vid=1),
        view("/business/apply/", T0 + 120_000, vid=2),
    ]
    ingest_batch(batch(earlier_views, sid=sid))
    detect_live()
    first = FrustrationSignal.objects.get()
    later_views = [
        view("/business/", T0 + 180_000, vid=3),
        *_rage(T0 + 181_000, vid=3, sel="#search"),
    ]
    ingest_batch(batch(later_views, sid=sid, seq=1))

    detect_live()

    assert FrustrationSignal.objects.filter(pk=first.pk).exists()  # view 0: not rewritten
    assert FrustrationSignal.objects.filter(kind="rage_click").count() == 2


def test_a_quick_back_is_seen_when_the_view_after_it_arrives(licence_page):
    sid = new_sid()
    ingest_batch(
        batch([view("/business/", T0), view("/business/apply/", T0 + 5000, vid=1)], sid=sid)
    )
    detect_live()
    ingest_batch(batch([view("/business/", T0 + 8000, vid=2)], sid=sid, seq=1))

    detect_live()

    assert _kinds() == [("quick_back", 1)]


def test_a_form_being_filled_in_is_not_abandoned_until_the_session_closes(licence_page):
    focus = {"t": "field", "ts": T0 + 1000, "vid": 0, "sel": "#name", "form": "#apply"}
    ingest_batch(batch([view("/business/apply/", T0), {**focus, "act": "focus"}]))

    detect_live()
    assert _kinds() == []

    pipeline.process_closed_sessions(now=LATER)
    assert _kinds() == [("form_abandonment", 1)]


def test_closing_a_session_detected_live_counts_each_signal_once(licence_page):
    sid = new_sid()
    ingest_batch(batch(_frustrated_events(), sid=sid))
    detect_live()
    live_score = TrackedSession.objects.get().score

    pipeline.process_closed_sessions(now=LATER)

    assert _kinds() == [("dead_click", 1), ("error_click", 1), ("rage_click", 3)]
    assert _page_counts() == (1, 1, 1, 1)
    assert DepartmentDailyStats.objects.get(date=DAY).signals == 3
    assert TrackedSession.objects.get().score == live_score


def test_live_rollups_of_one_page_leave_other_pages_rows_alone(licence_page):
    ingest_batch(batch([view("/business/", T0), *_rage(T0 + 1000, sel="#menu")]))
    pipeline.process_closed_sessions(now=LATER)
    ingest_batch(batch(_frustrated_events()))

    detect_live()

    assert PageDailyStats.objects.get(date=DAY, url="/business/").rage_click == 1
    assert _page_counts() == (1, 1, 1, 1)
    assert DepartmentDailyStats.objects.get(date=DAY).signals == 4


def test_live_detection_skips_a_run_while_another_holds_the_pipeline_lock(licence_page):
    broker = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
    ingest_batch(batch(_frustrated_events()))
    with celery_broker(broker, queue=f"cityux-test-{uuid.uuid4().hex[:10]}"):
        with pipeline_lock() as held:
            assert held
            assert tasks.detect_live() == "busy"
        assert _kinds() == []

        assert tasks.detect_live() == 1
    assert _kinds() == [("dead_click", 1), ("error_click", 1), ("rage_click", 3)]
