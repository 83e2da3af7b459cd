""" "Live now": the last 15 minutes per department, its spike rule and its scoping."""

import datetime

import pytest
from django.utils import timezone

from cityux.models import Department
from cityux_analytics.live_now import SpikeRule, is_spike, live_now, usual_per_window
from cityux_analytics.models import (
    ElementName,
    FrustrationSignal,
    PageDailyStats,
    PageView,
    TrackedSession,
)

NOW = timezone.now()
POTHOLE = "/public-works/report-a-pothole/"
LICENCE = "/business/apply/"


@pytest.mark.parametrize(
    ("recent", "usual", "spike"),
    [(4, 0.0, False), (5, 0.0, True), (6, 2.0, False), (7, 2.0, True), (5, 1.7, False)],
)
def test_a_spike_needs_five_signals_and_more_than_three_times_the_usual(recent, usual, spike):
    assert is_spike(recent, usual) is spike


def test_the_spike_rule_takes_other_numbers():
    assert is_spike(2, 0.0, SpikeRule(min_signals=2, ratio=1.0))


def test_the_usual_rate_spreads_28_days_over_15_minute_windows():
    assert usual_per_window(28 * 96 * 2) == 2.0


def _visit(department, url=POTHOLE, signals=0, minutes_ago=1, kind="rage_click"):
    at = NOW - datetime.timedelta(minutes=minutes_ago)
    session = TrackedSession.objects.create(
        sid=f"s{TrackedSession.objects.count()}", started_at=at, last_event_at=at
    )
    PageView.objects.create(
        session=session, view_id=0, url=url, department=department, started_at=at
    )
    for _ in range(signals):
        FrustrationSignal.objects.create(
            session=session, view_id=0, url=url, department=department, kind=kind,
            selector="#send-report", occurred_at=at,
        )  # fmt: skip
    return session


def _history(department, url, signals_per_day):
    today = timezone.localdate(NOW)
    PageDailyStats.objects.bulk_create(
        PageDailyStats(
            date=today - datetime.timedelta(days=day),
            url=url,
            department=department,
            rage_click=signals_per_day,
            sessions=1,
            views=1,
        )  # fmt: skip
        for day in range(1, 29)
    )


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def business(city):
    return Department.objects.get(slug="economic-development")


@pytest.mark.django_db
def test_live_now_counts_the_last_15_minutes_only(works):
    _visit(works, signals=2)
    _visit(works, signals=3, minutes_ago=16)

    live = live_now([works], now=NOW)

    assert (live["visits"], live["signals"]) == (1, 2)
    assert [(p["url"], p["signals"]) for p in live["pages"]] == [(POTHOLE, 2)]
    assert live["pages"][0]["report_url"] == ""  # no Wagtail page behind this address
    element = live["elements"][0]
    assert (element["selector"], element["kind_label"], element["signals"]) == (
        "#send-report",
        "Rage click",
        2,
    )


@pytest.mark.django_db
def test_live_now_says_an_element_in_the_words_the_tracker_read(works):
    session = _visit(works, signals=3)
    ElementName.objects.create(
        key=ElementName.key_of(POTHOLE, "#send-report"),
        url=POTHOLE,
        selector="#send-report",
        role="button",
        name="Submit report",
        context="Report a pothole",
        context_role="form",
        seen_at=session.started_at,
    )

    (element,) = live_now([works], now=NOW)["elements"]

    assert (element["element"], element["selector"]) == (
        "“Submit report” button in “Report a pothole” form",
        "#send-report",
    )


@pytest.mark.django_db
def test_live_now_says_an_element_the_tracker_never_named_by_its_tag_and_page(works):
    session = _visit(works)
    FrustrationSignal.objects.create(
        session=session, view_id=0, url=POTHOLE, department=works, kind="dead_click",
        selector="main>div:nth-of-type(2)", occurred_at=session.started_at,
    )  # fmt: skip

    (element,) = live_now([works], now=NOW)["elements"]

    assert element["element"] == "a <div> on “/public-works/report-a-pothole/”"


@pytest.mark.django_db
@pytest.mark.parametrize(("recent", "spike"), [(6, False), (7, True)])
def test_a_page_spikes_only_above_three_times_its_usual_rate(works, recent, spike):
    _history(works, POTHOLE, signals_per_day=96 * 2)  # usually 2 per 15 minutes
    _visit(works, signals=recent)

    page = live_now([works], now=NOW)["pages"][0]

    assert (page["usual"], page["spike"]) == (2.0, spike)


@pytest.mark.django_db
@pytest.mark.parametrize(("recent", "spike"), [(4, False), (5, True)])
def test_a_page_without_history_spikes_from_its_fifth_signal(works, recent, spike):
    _visit(works, signals=recent)

    assert live_now([works], now=NOW)["pages"][0]["spike"] is spike


@pytest.mark.django_db
def test_a_lead_reads_their_departments_live_figures(client, works, make_lead):
    _visit(works, signals=2)
    client.force_login(make_lead(works))

    response = client.get(f"/admin/cityux/analytics/live/{works.slug}/")

    assert response.status_code == 200
    assert response.json()["signals"] == 2
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_lead_cannot_read_another_departments_live_figures(client, works, business, make_lead):
    _visit(business, url=LICENCE, signals=2)
    client.force_login(make_lead(works))

    assert client.get(f"/admin/cityux/analytics/live/{business.slug}/").status_code == 403
    city_wide = client.get("/admin/cityux/analytics/live/").json()
    assert city_wide["signals"] == 0
    assert LICENCE not in str(city_wide)


@pytest.mark.django_db
def test_the_city_wide_figures_add_up_every_department_the_user_sees(
    client, works, business, city_wide_analyst
):
    _visit(works, signals=1)
    _visit(business, url=LICENCE, signals=2)
    client.force_login(city_wide_analyst)

    live = client.get("/admin/cityux/analytics/live/").json()

    assert (live["visits"], live["signals"]) == (2, 3)


@pytest.mark.django_db
def test_the_department_hub_shows_live_now_with_its_own_polling_address(client, works, make_lead):
    _visit(works, signals=1)
    client.force_login(make_lead(works))

    html = client.get(f"/admin/cityux/departments/{works.slug}/").content.decode()

    assert "Live now" in html
    assert f'data-cityux-live-url="/admin/cityux/analytics/live/{works.slug}/"' in html
    assert 'aria-live="polite"' in html
    assert (
        '<span title="#send-report">an unnamed element on “/public-works/report-a-pothole/”</span>'
        in html
    )


@pytest.mark.django_db
def test_the_overview_polls_the_figures_of_all_the_users_departments(
    client, works, business, make_lead
):
    _visit(business, url=LICENCE, signals=2)
    parks = Department.objects.get(slug="parks-recreation")
    client.force_login(make_lead(works, parks))

    html = client.get("/admin/cityux/").content.decode()

    assert 'data-cityux-live-url="/admin/cityux/analytics/live/"' in html
    assert LICENCE not in html
