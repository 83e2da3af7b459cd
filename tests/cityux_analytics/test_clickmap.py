"""The click map on the page UX report: which elements it marks, for whom, and safely."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from cityux.models import Department, DepartmentRootPage
from cityux_analytics.models import ElementDailyStats, PageDailyStats, SignalKind
from cityux_analytics.views.reports.page import PageUXReportView

pytestmark = pytest.mark.django_db

MARKERS_JSON = re.compile(
    r'<script id="cityux-clickmap-markers" type="application/json">(.*?)</script>', re.S
)
HOSTILE = '</script><script>alert("owned")</script><!--'


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def live_page(department, slug, title):
    """A published page of `department` on the default site, so it has an address."""
    home = Site.objects.get(is_default_site=True).root_page
    section = home.add_child(instance=Page(title=f"{department.name} section", slug=slug))
    DepartmentRootPage.objects.create(department=department, page=section)
    return section.add_child(instance=Page(title=title, slug=f"{slug}-page"))


def add_page_day(page, department, day=1):
    PageDailyStats.objects.create(
        date=ago(day), url=page.url, page=page, department=department, sessions=10
    )


def add_element(page, department, kind, selector, day=1, signals=5, sessions=3, detail=""):
    ElementDailyStats.objects.create(
        date=ago(day),
        department=department,
        url=page.url,
        kind=kind,
        selector=selector,
        detail=detail,
        signals=signals,
        sessions=sessions,
    )


def markers(response):
    """The click map's marker data, as the page's script reads it."""
    assert response.status_code == 200
    found = MARKERS_JSON.search(response.content.decode())
    assert found, "the report has no click map data"
    return json.loads(found.group(1))


def marked(response):
    return [
        (marker["number"], marker["kind"], marker["selector"], marker["signals"])
        for marker in markers(response)
    ]


def page_report(page, **query):
    return reverse("cityux_analytics_reports:page", args=[page.pk]), query


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def police(city):
    return Department.objects.get(slug="police")


@pytest.fixture
def pothole(works):
    page = live_page(works, "works", "Report a pothole")
    add_page_day(page, works)
    return page


@pytest.fixture
def police_report(police):
    page = live_page(police, "police", "File a police report")
    add_page_day(page, police)
    return page


@pytest.fixture
def lead_client(client, works, make_lead):
    client.force_login(make_lead(works))
    return client


def test_click_map_marks_the_pages_rage_dead_and_error_elements_most_signals_first(
    lead_client, works, pothole
):
    add_element(pothole, works, SignalKind.DEAD_CLICK, "main h1", signals=4)
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#send-report", signals=9)
    add_element(pothole, works, SignalKind.ERROR_CLICK, "#track", detail="TypeError: a", signals=3)
    add_element(pothole, works, SignalKind.ERROR_CLICK, "#track", detail="TypeError: b", signals=3)

    assert marked(lead_client.get(*page_report(pothole))) == [
        (1, "rage_click", "#send-report", 9),
        (2, "error_click", "#track", 6),
        (3, "dead_click", "main h1", 4),
    ]


def test_click_map_leaves_out_other_kinds_other_pages_and_other_days(lead_client, works, pothole):
    leaflet = live_page(works, "leaflets", "Old leaflet")
    add_page_day(leaflet, works)
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#send-report")
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#last-year", day=60)
    add_element(pothole, works, SignalKind.QUICK_BACK, "a.back")
    add_element(pothole, works, SignalKind.DEAD_CLICK, "")
    add_element(leaflet, works, SignalKind.RAGE_CLICK, "#leaflet-only")

    assert [selector for _, _, selector, _ in marked(lead_client.get(*page_report(pothole)))] == [
        "#send-report"
    ]


def test_click_map_follows_the_reports_dates(lead_client, works, pothole):
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#yesterday", day=1)
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#last-week", day=7)
    url, _ = page_report(pothole)
    day = ago(7).isoformat()

    response = lead_client.get(url, {"date_from": day, "date_to": day})

    assert [selector for _, _, selector, _ in marked(response)] == ["#last-week"]
    assert f'data-cityux-clickmap-dates="{day}/{day}"' in response.content.decode()


def test_click_map_frames_the_live_page_with_no_script_allowed(lead_client, works, pothole):
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#send-report")
    html = lead_client.get(*page_report(pothole)).content.decode()

    frame = re.search(r"<iframe [^>]*data-cityux-clickmap-frame[^>]*>", html).group(0)
    assert f'src="{pothole.url}"' in frame
    assert 'sandbox="allow-same-origin"' in frame
    assert "allow-scripts" not in html


def test_click_map_table_has_the_same_numbers_for_screen_readers(lead_client, works, pothole):
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#send-report", signals=1234, sessions=56)
    html = lead_client.get(*page_report(pothole)).content.decode()

    row = re.search(r'<tr data-cityux-clickmap-row="1">(.*?)</tr>', html, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]
    assert cells == [
        "R 1",
        "an unnamed element on “Report a pothole”",
        "Rage click",
        "1,234",
        "56",
        "Not checked",
    ]
    assert '<span title="#send-report">' in row


def test_hostile_selector_is_escaped_in_the_click_map(lead_client, works, pothole):
    add_element(pothole, works, SignalKind.RAGE_CLICK, HOSTILE)
    response = lead_client.get(*page_report(pothole))
    html = response.content.decode()

    assert [marker["selector"] for marker in markers(response)] == [HOSTILE]
    assert '<script>alert("owned")' not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;owned&quot;)" in html


def test_lead_of_another_department_gets_403_and_no_click_map_data(
    lead_client, police, police_report
):
    add_element(police_report, police, SignalKind.RAGE_CLICK, "#police-secret-button")
    response = lead_client.get(*page_report(police_report))

    assert response.status_code == 403
    html = response.content.decode()
    assert "cityux-clickmap" not in html
    assert "police-secret-button" not in html


def test_page_that_is_not_live_gets_a_note_instead_of_a_click_map(lead_client, works, pothole):
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#send-report")
    pothole.unpublish()
    html = lead_client.get(*page_report(pothole)).content.decode()

    assert "This page is not live or has no address, so there is no click map." in html
    assert "<iframe" not in html
    assert "cityux-clickmap-markers" not in html


def test_click_map_marks_only_the_worst_elements_and_says_so(
    lead_client, works, pothole, monkeypatch
):
    monkeypatch.setattr(PageUXReportView, "clickmap_size", 2)
    for signals in (3, 9, 5):
        add_element(pothole, works, SignalKind.DEAD_CLICK, f"#button-{signals}", signals=signals)
    response = lead_client.get(*page_report(pothole))

    assert [selector for _, _, selector, _ in marked(response)] == ["#button-9", "#button-5"]
    assert "Only the 2 elements with the most signals are marked." in response.content.decode()


def test_results_fragment_leaves_the_click_map_alone(lead_client, works, pothole):
    add_element(pothole, works, SignalKind.RAGE_CLICK, "#send-report")
    response = lead_client.get(reverse("cityux_analytics_reports:page_results", args=[pothole.pk]))

    assert response.status_code == 200
    assert "cityux-clickmap" not in response.content.decode()
