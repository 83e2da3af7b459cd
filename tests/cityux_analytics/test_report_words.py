"""Reports say elements in the page's words (the selector on hover) and export real addresses."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Page, Site

from cityux.exports import FormulaSafeExportMixin, absolute_url, site_root
from cityux.models import Department, DepartmentRootPage
from cityux_analytics import reports
from cityux_analytics.models import DepartmentDailyStats, ElementName, SignalKind
from cityux_analytics.presenters import summary_context
from cityux_analytics.reports import DateRange

from .test_reports import (
    add_department_days,
    add_element,
    add_page_days,
    ago,
    csv_rows,
    owned_page,
    report_url,
)

SUBMIT = "div:nth-of-type(2)>form>button"
WORDS = "“Submit report” button in “Report a pothole” form"
ERROR = "TypeError: report is undefined @ /static/report.js"


def name(url, selector, **fields):
    ElementName.objects.create(
        key=ElementName.key_of(url, selector),
        url=url,
        selector=selector,
        seen_at="2026-09-22T10:00:00Z",
        **fields,
    )


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def pothole(works):
    page = owned_page(works, "works", "Report a pothole")
    add_page_days(page, "/works/pothole/", works, range(3), sessions=10, frustrated_sessions=4)
    add_element(works, "/works/pothole/", SignalKind.RAGE_CLICK, SUBMIT)
    add_element(works, "/works/pothole/", SignalKind.ERROR_CLICK, SUBMIT, detail=ERROR)
    add_element(
        works,
        "/works/pothole/",
        SignalKind.FORM_ABANDONMENT,
        "#pothole",
        detail='#pothole>label>input[name="street"]',
    )
    name(
        "/works/pothole/",
        SUBMIT,
        role="button",
        name="Submit report",
        context="Report a pothole",
        context_role="form",
    )
    return page


@pytest.fixture
def lead_client(client, works, make_lead):
    client.force_login(make_lead(works))
    return client


def test_the_elements_report_says_the_element_in_words_with_its_selector_on_hover(
    lead_client, pothole
):
    html = lead_client.get(report_url("elements")).content.decode()
    assert f'<span title="{escape(SUBMIT)}">{WORDS}</span>' in html


def test_the_elements_export_has_the_words_and_the_selector(lead_client, pothole):
    rows = csv_rows(lead_client.get(report_url("elements"), {"export": "csv"}))
    submit = [row for row in rows if row["CSS selector"] == SUBMIT]
    assert {row["Element"] for row in submit} == {WORDS}
    assert {row["Page address"] for row in rows} == {"http://testserver/works/pothole/"}


def test_an_unnamed_element_is_said_by_its_page_and_keeps_its_selector(lead_client, pothole):
    rows = csv_rows(lead_client.get(report_url("elements"), {"export": "csv"}))
    (form,) = [row for row in rows if row["CSS selector"] == "#pothole"]
    assert form["Element"] == "an unnamed element on “Report a pothole”"


def test_the_page_report_puts_an_abandoned_field_in_the_field_column(lead_client, pothole):
    url = reverse("cityux_analytics_reports:page", args=[pothole.pk])
    rows = {row["Signal"]: row for row in csv_rows(lead_client.get(url, {"export": "csv"}))}
    abandoned = rows["Form abandonment"]
    assert (abandoned["Error"], abandoned["Field (for form abandonments)"]) == (
        "",
        "“street” field",
    )
    assert (rows["Error click"]["Error"], rows["Error click"]["Field (for form abandonments)"]) == (
        ERROR,
        "",
    )
    assert rows["Rage click"]["Element"] == WORDS


def test_the_errors_report_names_the_element_clicked_most_often(lead_client, pothole):
    (row,) = csv_rows(lead_client.get(report_url("errors"), {"export": "csv"}))
    assert (row["Element clicked most often"], row["Its CSS selector"]) == (WORDS, SUBMIT)


def test_the_department_hub_says_elements_in_words(lead_client, pothole, works):
    html = lead_client.get(reverse("cityux_hub:department", args=[works.slug])).content.decode()
    assert f'<span title="{escape(SUBMIT)}">{WORDS}</span>' in html
    assert f"mostly after clicks on {WORDS}" in html
    assert f"Watch sessions: {WORDS} (Error click)" in html


# -- absolute addresses of the real site ---------------------------------------------------------


def test_a_path_is_put_under_the_sites_root():
    assert (
        absolute_url("/works/?q=1", "https://www.example.gov")
        == "https://www.example.gov/works/?q=1"
    )


def test_a_placeholder_host_is_replaced_by_the_sites_root():
    assert absolute_url("http://localhost/works/", "https://www.example.gov") == (
        "https://www.example.gov/works/"
    )


def test_an_address_on_a_real_host_is_kept():
    assert absolute_url("https://other.example.gov/a/", "https://www.example.gov") == (
        "https://other.example.gov/a/"
    )


@pytest.mark.django_db
def test_the_default_site_with_a_real_host_is_the_root(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.gov"
    Site.objects.filter(is_default_site=True).update(hostname="www.example.gov", port=443)
    assert site_root() == "https://www.example.gov"


@pytest.mark.django_db
def test_a_default_site_on_localhost_gives_way_to_the_admin_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://cityux.example.gov/"
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    assert site_root() == "https://cityux.example.gov"


@pytest.mark.django_db
def test_the_department_pages_export_gives_real_addresses_not_localhost(client, works, make_lead):
    site = Site.objects.get(is_default_site=True)
    assert site.hostname == "localhost"  # Wagtail's placeholder, as in the demo
    section = site.root_page.add_child(instance=Page(title="Roads", slug="roads"))
    DepartmentRootPage.objects.create(department=works, page=section)
    client.force_login(make_lead(works))
    response = client.get(reverse("cityux_hub:department", args=[works.slug]), {"export": "csv"})
    assert [row["Address"] for row in csv_rows(response)] == ["http://testserver/roads/"]


# -- compare periods that match the range ----------------------------------------------------------


def shown_for(date_range):
    return summary_context(reports.summarise(DepartmentDailyStats.objects.all(), date_range))


@pytest.mark.django_db
def test_a_one_day_range_compares_with_the_day_before(works):
    add_department_days(works, [0], sessions=10, frustrated_sessions=2)
    add_department_days(works, [1], sessions=10, frustrated_sessions=4)
    add_department_days(works, [7], sessions=10, frustrated_sessions=8)  # a week ago: not used
    shown = shown_for(DateRange(ago(0), ago(0)))
    assert shown["frustrated_change"]["text"] == "down 50% on the day before"
    assert shown["compared_days"] == 1


@pytest.mark.django_db
def test_a_three_day_range_compares_with_the_three_days_before(works):
    add_department_days(works, range(3), sessions=10)
    add_department_days(works, range(3, 6), sessions=5)
    shown = shown_for(DateRange(ago(2), ago(0)))
    assert shown["sessions_change"]["text"] == "up 100% on the 3 days before"


@pytest.mark.django_db
def test_a_long_range_still_compares_its_last_week_with_the_week_before(works):
    add_department_days(works, range(7), sessions=20)
    add_department_days(works, range(7, 14), sessions=10)
    shown = shown_for(DateRange(ago(27), ago(0)))
    assert shown["sessions_change"]["text"] == "up 100% on the week before"


@pytest.mark.django_db
def test_the_insights_read_element_names_of_the_pages_in_question(works):
    from cityux_analytics import insights

    add_element(works, "/works/pothole/", SignalKind.RAGE_CLICK, SUBMIT, day=1)
    add_element(works, "/parks/", SignalKind.RAGE_CLICK, "#other", day=1)
    name(
        "/works/pothole/",
        SUBMIT,
        role="button",
        name="Submit report",
        context="Report a pothole",
        context_role="form",
    )
    name("/parks/", "#other", role="link", name="Parks")
    week = DateRange(ago(6), ago(0))
    (row,) = insights.element_weeks(["/works/pothole/"], SignalKind.RAGE_CLICK, week)
    assert (row.selector, row.this_week, row.words) == (SUBMIT, 5, WORDS)


# -- local times in exports --------------------------------------------------------------------


class ExportView(FormulaSafeExportMixin, SpreadsheetExportMixin):
    pass


MOMENT = datetime.datetime(2026, 12, 5, 20, 3, 9, tzinfo=datetime.UTC)


def test_a_csv_export_gives_instants_on_the_sites_clock(settings):
    settings.TIME_ZONE = "America/Chicago"
    value = ExportView().preprocess_field_value("received", MOMENT, "csv")
    assert str(value) == "2026-12-05 14:03:09-06:00"


def test_an_xlsx_export_gives_the_local_wall_time(settings):
    settings.TIME_ZONE = "America/Chicago"
    value = ExportView().preprocess_field_value("received", MOMENT, "xlsx")
    assert value == datetime.datetime(2026, 12, 5, 14, 3, 9)
