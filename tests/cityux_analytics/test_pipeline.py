import datetime

import pytest
from django.utils import timezone

from cityux_analytics import pipeline
from cityux_analytics.ingest import from_ms, ingest_batch
from cityux_analytics.models import (
    DepartmentDailyStats,
    ElementDailyStats,
    FrustrationSignal,
    PageDailyStats,
    PageView,
    RawEvent,
    TrackedSession,
)
from tests.cityux_analytics.factories import T0, batch, click, error, new_sid, view

pytestmark = pytest.mark.django_db
DAY = timezone.localtime(from_ms(T0)).date()
LATER = from_ms(T0) + datetime.timedelta(minutes=31)


def _frustrated_visit(sid=None):
    """A visit with a rage click streak, a dead click and a click that hits a JS error."""
    events = [
        view("/business/apply/", T0),
        click(T0 + 1000, sel="#submit", reaction="mutation", rms=50),
        click(T0 + 1400, sel="#submit", reaction="mutation", rms=50),
        click(T0 + 1800, sel="#submit", reaction="mutation", rms=50),
        click(T0 + 9000, sel="#logo", reaction=""),
        click(T0 + 20000, sel="#pay", reaction="mutation", rms=40),
        error(T0 + 20300),
    ]
    return batch(events, sid=sid or new_sid())


def test_ingest_resolves_the_page_and_its_department(licence_page):
    ingest_batch(_frustrated_visit())
    pv = PageView.objects.get()
    assert pv.page_id == licence_page.pk
    assert pv.department.slug == "economic-development"
    assert TrackedSession.objects.get().department.slug == "economic-development"


def test_sessions_are_closed_only_after_30_idle_minutes(licence_page):
    ingest_batch(_frustrated_visit())
    assert pipeline.close_idle_sessions(from_ms(T0) + datetime.timedelta(minutes=29)) == 0
    assert pipeline.close_idle_sessions(LATER) == 1


def test_closed_sessions_get_signals_and_a_score(licence_page):
    ingest_batch(_frustrated_visit())
    pipeline.process_closed_sessions(now=LATER)
    kinds = sorted(FrustrationSignal.objects.values_list("kind", flat=True))
    assert kinds == ["dead_click", "error_click", "rage_click"]
    rage = FrustrationSignal.objects.get(kind="rage_click")
    assert (rage.count, rage.selector, rage.page_id) == (3, "#submit", licence_page.pk)
    assert (
        "TypeError: form is undefined" in FrustrationSignal.objects.get(kind="error_click").detail
    )
    assert 0 < TrackedSession.objects.get().score <= 100


def test_rollups_count_every_signal_per_page_department_and_element(licence_page):
    ingest_batch(_frustrated_visit())
    ingest_batch(batch([view("/business/apply/", T0 + 5000)]))  # a calm visit
    pipeline.process_closed_sessions(now=LATER)
    page = PageDailyStats.objects.get(date=DAY, url="/business/apply/")
    assert (page.sessions, page.views, page.frustrated_sessions) == (2, 2, 1)
    assert (page.rage_click, page.dead_click, page.error_click) == (1, 1, 1)
    assert page.ux_score == 50
    department = DepartmentDailyStats.objects.get(date=DAY)
    assert department.department.slug == "economic-development"
    assert department.signals == 3
    assert ElementDailyStats.objects.get(kind="rage_click").selector == "#submit"


def test_rerunning_a_days_rollup_gives_the_same_rows(licence_page):
    ingest_batch(_frustrated_visit())
    pipeline.process_closed_sessions(now=LATER)

    def snapshot():
        return (
            list(PageDailyStats.objects.values_list("url", "date", "views", "rage_click")),
            list(DepartmentDailyStats.objects.values_list("department", "date", "score_sum")),
            sorted(ElementDailyStats.objects.values_list("kind", "selector", "signals")),
        )

    first = snapshot()
    pipeline.rollup_day(DAY)
    pipeline.rollup_day(DAY)
    assert snapshot() == first


def test_a_late_batch_reopens_the_session_and_detection_runs_again(licence_page):
    sid = new_sid()
    ingest_batch(_frustrated_visit(sid))
    pipeline.process_closed_sessions(now=LATER)
    late = [click(T0 + 40000 + i * 300, sel="#help") for i in range(3)]
    ingest_batch(batch(late, sid=sid, seq=1))
    pipeline.process_closed_sessions(now=LATER + datetime.timedelta(minutes=31))
    assert FrustrationSignal.objects.filter(kind="rage_click").count() == 2
    assert PageDailyStats.objects.get(date=DAY).rage_click == 2


def test_retention_purges_raw_data_but_keeps_rollups(licence_page, settings):
    settings.CITYUX_ANALYTICS = {"RETENTION_DAYS": 30}
    ingest_batch(_frustrated_visit())
    pipeline.process_closed_sessions(now=LATER)
    pipeline.purge_expired(now=LATER + datetime.timedelta(days=29))
    assert RawEvent.objects.exists()
    pipeline.purge_expired(now=LATER + datetime.timedelta(days=31))
    assert not RawEvent.objects.exists() and not TrackedSession.objects.exists()
    assert PageDailyStats.objects.get(date=DAY).rage_click == 1


def test_purge_command_refuses_a_nonsense_period_and_reports_what_it_deleted(licence_page):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("cityux_purge", "--days", "0")
    ingest_batch(_frustrated_visit())
    out = StringIO()
    call_command("cityux_purge", "--days", "1", stdout=out)  # T0 lies months in the past
    assert "older than 1 days; rollups kept" in out.getvalue()
    assert not RawEvent.objects.exists()


def test_a_moved_page_is_resolved_afresh_not_from_a_stale_cache(licence_page):
    from cityux_analytics.pages import resolve_path

    assert resolve_path("/business/apply/")[0] == licence_page.pk
    licence_page.delete()
    assert resolve_path("/business/apply/") == (None, None)
