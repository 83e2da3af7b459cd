"""The analytics reports in a real browser, as the demo's Public Works and Parks lead."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from cityux.departments import pages_of_department
from cityux.models import Department
from cityux_analytics.models import (
    DepartmentDailyStats,
    ElementDailyStats,
    ElementName,
    PageDailyStats,
    SignalKind,
)
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

POTHOLE_ERROR = "TypeError: form is undefined @ /static/pothole.js"
SUBMIT = "form#pothole button[type=submit]"


def _page(department_slug, page_slug):
    department = Department.objects.get(slug=department_slug)
    return department, pages_of_department(department).get(slug=page_slug)


def _add_four_weeks(department, page, rage_per_day):
    """28 days of rollups for one page and its department (a busier last week)."""
    today = timezone.localdate()
    for days_ago in range(28):
        day = today - datetime.timedelta(days=days_ago)
        rage = rage_per_day + (2 if days_ago < 7 else 0)
        counts = dict(
            sessions=40,
            frustrated_sessions=6 + rage // 2,
            views=55,
            rage_click=rage,
            dead_click=days_ago % 3,
            error_click=1 + days_ago % 2,
            quick_back=days_ago % 4,
            form_abandonment=1,
        )
        DepartmentDailyStats.objects.create(date=day, department=department, **counts)
        PageDailyStats.objects.create(
            date=day, url=page.url, page=page, department=department, **counts
        )
    ElementDailyStats.objects.create(
        date=today,
        department=department,
        url=page.url,
        kind=SignalKind.RAGE_CLICK,
        selector=SUBMIT,
        signals=38,
        sessions=21,
    )
    ElementDailyStats.objects.create(
        date=today,
        department=department,
        url=page.url,
        kind=SignalKind.ERROR_CLICK,
        selector=SUBMIT,
        detail=POTHOLE_ERROR,
        signals=17,
        sessions=12,
    )
    ElementName.objects.create(  # as ingest keeps it from the tracker's click
        key=ElementName.key_of(page.url, SUBMIT),
        url=page.url,
        selector=SUBMIT,
        role="button",
        name="Submit report",
        context="Report a pothole",
        context_role="form",
        seen_at=timezone.now(),
    )


@pytest.fixture
def frustration_rollups(city_site):
    works, pothole = _page("public-works", "report-a-pothole")
    police, police_page = _page("police", "file-a-police-report-online")
    _add_four_weeks(works, pothole, rage_per_day=4)
    _add_four_weeks(police, police_page, rage_per_day=9)
    return {"pothole": pothole, "police_page": police_page}


def test_lead_sees_frustration_downloads_csv_and_cannot_open_police_page(
    city_site, frustration_rollups, page, screenshot
):
    log_in(page, city_site.url)

    page.goto(city_site.url + "/admin/cityux/")
    assert page.get_by_role("heading", name="Frustration", exact=True).is_visible()
    page.wait_for_function(
        "() => { const canvas = document.querySelector('canvas[data-cityux-chart]');"
        " return canvas && window.Chart && window.Chart.getChart(canvas) !== undefined; }"
    )
    datasets = page.evaluate(
        "Chart.getChart(document.querySelector('canvas[data-cityux-chart]')).data.datasets.length"
    )
    assert datasets == len(SignalKind.values)
    assert page.get_by_role("link", name="Report a pothole").first.is_visible()
    assert (
        "police"
        not in page.get_by_role("region", name="Frustration", exact=True).inner_text().lower()
    )
    # Elements in words, the selector on hover.
    elements = page.get_by_role("region", name="Frustration", exact=True).locator(
        "#cityux-top-elements + table"
    )
    named = elements.get_by_text("“Submit report” button in “Report a pothole” form").first
    assert named.is_visible()
    assert named.get_attribute("title") == SUBMIT
    page.get_by_text("Show these numbers as a table").click()
    assert page.locator(".cityux-chart table tbody tr").count() == 28
    page.get_by_text("Show these numbers as a table").click()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "admin-frustration-dashboard")

    page.get_by_role("link", name="See all pages by frustration").click()
    page.wait_for_url("**/admin/cityux/analytics/pages/**")
    assert page.locator("#listing-results").get_by_text("Report a pothole").is_visible()
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [(row["Page"], row["Department"]) for row in rows] == [
        ("Report a pothole", "Public Works")
    ]
    assert rows[0]["Sessions"] == str(28 * 40)

    police_report = f"{city_site.url}/admin/cityux/analytics/page/"
    response = page.goto(f"{police_report}{frustration_rollups['police_page'].pk}/")
    assert response.status == 403
    assert page.get_by_role("heading", name="You cannot open this").is_visible()
    assert "Police" in page.content()
