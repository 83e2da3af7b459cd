"""The analytics reports in the admin: department scoping, exports, dates and the hub section."""

import csv
import datetime
import io
import types

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from wagtail.models import Page

from cityux.models import Department, DepartmentRootPage
from cityux.site import urls as project_urls
from cityux_analytics import reports
from cityux_analytics.models import (
    DepartmentDailyStats,
    ElementDailyStats,
    PageDailyStats,
    SignalKind,
)
from cityux_analytics.presenters import summary_context
from cityux_analytics.reports import DateRange, DateRangeError, parse_date_range
from cityux_analytics.wagtail_hooks import PageUXReportButton

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 31)
REPORTS = ["pages", "elements", "errors"]
# Exports give the real site's addresses: the test Site is on localhost, so WAGTAILADMIN_BASE_URL.
SITE = "http://testserver"
WORKS_ERROR = "TypeError: form is undefined @ /static/pothole.js"
POLICE_ERROR = "ReferenceError: badge is not defined @ /static/police.js"


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def police(city):
    return Department.objects.get(slug="police")


def owned_page(department, slug, title):
    """A page under a section owned by `department`."""
    root = Page.get_first_root_node()
    section = root.add_child(instance=Page(title=f"{department.name} section", slug=slug))
    DepartmentRootPage.objects.create(department=department, page=section)
    return section.add_child(instance=Page(title=title, slug=f"{slug}-page"))


@pytest.fixture
def pothole(works):
    return owned_page(works, "works", "Report a pothole")


@pytest.fixture
def police_report(police):
    return owned_page(police, "police", "File a police report")


def add_department_days(department, days, **counts):
    for day in days:
        DepartmentDailyStats.objects.create(date=ago(day), department=department, **counts)


def add_page_days(page, url, department, days, **counts):
    for day in days:
        PageDailyStats.objects.create(
            date=ago(day), url=url, page=page, department=department, **counts
        )


def add_element(department, url, kind, selector, day=1, detail="", signals=5, sessions=3):
    ElementDailyStats.objects.create(
        date=ago(day),
        department=department,
        url=url,
        kind=kind,
        selector=selector,
        detail=detail,
        signals=signals,
        sessions=sessions,
    )


@pytest.fixture
def rollups(works, police, pothole, police_report):
    """Two weeks of rollups for Public Works and Police, and one old Public Works row."""
    counts = dict(sessions=10, frustrated_sessions=4, views=12, rage_click=3, dead_click=1)
    add_department_days(works, range(14), **counts)
    add_department_days(police, range(14), **counts)
    add_page_days(pothole, "/works/pothole/", works, range(14), **counts)
    add_page_days(police_report, "/police/report/", police, range(14), **counts)
    add_page_days(None, "/works/old-leaflet/", works, [60], sessions=5, frustrated_sessions=5)
    for department, url, selector, error in [
        (works, "/works/pothole/", "button.pothole-submit", WORKS_ERROR),
        (police, "/police/report/", "button.police-submit", POLICE_ERROR),
    ]:
        add_element(department, url, SignalKind.RAGE_CLICK, selector)
        add_element(department, url, SignalKind.ERROR_CLICK, selector, detail=error)
    add_element(works, "/works/old-leaflet/", SignalKind.DEAD_CLICK, "img.old-map", day=60)


@pytest.fixture
def lead_client(client, works, make_lead):
    client.force_login(make_lead(works))
    return client


def report_url(name):
    return reverse(f"cityux_analytics_reports:{name}")


def csv_rows(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(content)))


def xlsx_rows(response):
    from openpyxl import load_workbook

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


# -- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORTS)
def test_lead_sees_only_their_departments_rows(lead_client, rollups, name):
    html = lead_client.get(report_url(name)).content.decode()
    assert "/works/pothole/" in html or WORKS_ERROR in html
    assert "/police/" not in html and POLICE_ERROR not in html


@pytest.mark.parametrize("name", REPORTS)
def test_lead_exports_only_their_departments_rows_as_csv(lead_client, rollups, name):
    rows = csv_rows(lead_client.get(report_url(name), {"export": "csv"}))
    assert rows
    text = repr(rows)
    assert "/works/pothole/" in text or WORKS_ERROR in text
    assert "police" not in text.lower()


@pytest.mark.parametrize("name", REPORTS)
def test_lead_exports_only_their_departments_rows_as_xlsx(lead_client, rollups, name):
    rows = xlsx_rows(lead_client.get(report_url(name), {"export": "xlsx"}))
    assert len(rows) > 1
    assert "police" not in repr(rows).lower()


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_lead_asking_for_another_department_gets_403(lead_client, rollups, police, name, export):
    query = {"department": police.pk, **({"export": export} if export else {})}
    response = lead_client.get(report_url(name), query)
    assert response.status_code == 403
    assert b"/police/" not in response.content


def test_lead_asking_for_another_departments_results_fragment_gets_403(
    lead_client, rollups, police
):
    url = reverse("cityux_analytics_reports:pages_results")
    assert lead_client.get(url, {"department": police.pk}).status_code == 403


def test_city_wide_analyst_sees_every_department(client, rollups, city_wide_analyst):
    client.force_login(city_wide_analyst)
    rows = csv_rows(client.get(report_url("pages"), {"export": "csv"}))
    assert {row["Address"] for row in rows} == {SITE + "/works/pothole/", SITE + "/police/report/"}


def test_analyst_can_narrow_a_report_to_one_department(client, rollups, city_wide_analyst, police):
    client.force_login(city_wide_analyst)
    response = client.get(report_url("pages"), {"department": police.pk, "export": "csv"})
    assert [row["Address"] for row in csv_rows(response)] == [SITE + "/police/report/"]


def test_pages_of_no_department_are_shown_to_city_wide_staff_only(
    client, rollups, city_wide_analyst, make_lead, works
):
    add_page_days(None, "/search/", None, [1], sessions=3, frustrated_sessions=1)
    client.force_login(city_wide_analyst)
    rows = csv_rows(client.get(report_url("pages"), {"export": "csv"}))
    assert SITE + "/search/" in {row["Address"] for row in rows}
    client.force_login(make_lead(works, username="works-lead"))
    rows = csv_rows(client.get(report_url("pages"), {"export": "csv"}))
    assert SITE + "/search/" not in {row["Address"] for row in rows}


def test_user_without_departments_gets_403(client, rollups, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(report_url("pages")).status_code == 403


# -- what the reports say --------------------------------------------------------------------


def test_pages_report_sums_the_days_and_links_the_page_ux_report(lead_client, rollups, pothole):
    [row] = csv_rows(lead_client.get(report_url("pages"), {"export": "csv"}))
    assert row["Page"] == "Report a pothole"
    assert row["Sessions"] == "140"  # 14 days × 10
    assert row["Frustrated sessions"] == "56"
    assert row["UX score (% of sessions without frustration)"] == "60"
    assert row["Rage clicks"] == "42"
    assert row["All signals"] == "56"
    html = lead_client.get(report_url("pages")).content.decode()
    assert reverse("cityux_analytics_reports:page", args=[pothole.pk]) in html


def test_elements_report_filters_by_kind(lead_client, rollups):
    rows = csv_rows(
        lead_client.get(report_url("elements"), {"kind": "rage_click", "export": "csv"})
    )
    assert [(row["CSS selector"], row["Signal"]) for row in rows] == [
        ("button.pothole-submit", "Rage click")
    ]


def test_errors_report_groups_by_error_signature(lead_client, rollups):
    [row] = csv_rows(lead_client.get(report_url("errors"), {"export": "csv"}))
    assert row["Error (message @ script)"] == WORKS_ERROR
    assert row["Clicks that hit it"] == "5"
    assert row["Pages"] == "1"
    assert row["Its CSS selector"] == "button.pothole-submit"
    assert row["Element clicked most often"] == "a button"  # no name was read: its tag


# -- dates -----------------------------------------------------------------------------------


def test_reports_show_the_last_28_days_by_default(lead_client, rollups):
    rows = csv_rows(lead_client.get(report_url("pages"), {"export": "csv"}))
    assert SITE + "/works/old-leaflet/" not in {row["Address"] for row in rows}


def test_date_filter_bounds_the_rows(lead_client, rollups):
    query = {"date_from": ago(70).isoformat(), "date_to": ago(50).isoformat(), "export": "csv"}
    rows = csv_rows(lead_client.get(report_url("pages"), query))
    assert [row["Address"] for row in rows] == [SITE + "/works/old-leaflet/"]
    elements = csv_rows(lead_client.get(report_url("elements"), query))
    assert [row["CSS selector"] for row in elements] == ["img.old-map"]


def test_date_filter_counts_only_the_days_asked_for(lead_client, rollups):
    day = ago(3).isoformat()
    query = {"date_from": day, "date_to": day, "export": "csv"}
    [row] = csv_rows(lead_client.get(report_url("pages"), query))
    assert row["Sessions"] == "10"


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "2025-13-45"}, "is not a date"),
        ({"date_to": "yesterday"}, "is not a date"),
        ({"date_from": "2025-03-10", "date_to": "2025-03-01"}, "is after the end date"),
    ],
)
@pytest.mark.parametrize("name", REPORTS)
def test_bad_dates_give_a_clear_message(lead_client, rollups, name, query, message):
    response = lead_client.get(report_url(name), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Showing the last 28 days instead." in html


def test_bad_dates_on_the_hub_give_a_clear_message(lead_client, rollups):
    response = lead_client.get(reverse("cityux_hub:overview"), {"from": "31/02/2025"})
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_parse_date_range_defaults_to_the_last_28_days():
    assert parse_date_range("", "", today=TODAY) == DateRange(datetime.date(2026, 3, 4), TODAY)


def test_parse_date_range_reads_iso_dates():
    found = parse_date_range("2026-01-01", "2026-01-31", today=TODAY)
    assert (found.start, found.end, found.days) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 1, 31),
        31,
    )


def test_parse_date_range_with_only_an_end_takes_the_28_days_before_it():
    found = parse_date_range("", "2026-01-28", today=TODAY)
    assert found == DateRange(datetime.date(2026, 1, 1), datetime.date(2026, 1, 28))


@pytest.mark.parametrize(
    "start, end",
    [("2026-02-30", ""), ("", "March"), ("2026-03-10", "2026-03-01"), ("2020-01-01", "2026-01-01")],
)
def test_parse_date_range_refuses_what_it_cannot_use(start, end):
    with pytest.raises(DateRangeError):
        parse_date_range(start, end, today=TODAY)


# -- the page UX report ----------------------------------------------------------------------


def page_report(page):
    return reverse("cityux_analytics_reports:page", args=[page.pk])


def test_page_ux_report_is_403_for_another_departments_page(lead_client, rollups, police_report):
    response = lead_client.get(page_report(police_report))
    assert response.status_code == 403
    assert "Police" in response.content.decode()
    assert lead_client.get(page_report(police_report), {"export": "csv"}).status_code == 403


def test_page_ux_report_is_403_for_a_page_of_no_department(lead_client, rollups):
    home = Page.get_first_root_node().add_child(instance=Page(title="Unowned", slug="unowned"))
    assert lead_client.get(page_report(home)).status_code == 403


def test_page_ux_report_shows_own_departments_page(lead_client, rollups, pothole):
    response = lead_client.get(page_report(pothole))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Report a pothole" in html
    assert 'data-cityux-chart="cityux-page-daily"' in html
    assert "button.pothole-submit" in html


def test_page_ux_report_exports_the_pages_worst_elements(lead_client, rollups, pothole):
    rows = csv_rows(lead_client.get(page_report(pothole), {"export": "csv"}))
    assert {(row["Signal"], row["Error"]) for row in rows} == {
        ("Rage click", ""),
        ("Error click", WORKS_ERROR),
    }


def test_ux_report_button_is_shown_only_for_pages_the_user_may_see(
    rollups, make_lead, works, pothole, police_report
):
    lead = make_lead(works)
    assert PageUXReportButton(page=pothole).is_shown(lead)
    assert not PageUXReportButton(page=police_report).is_shown(lead)


# -- the hub section -------------------------------------------------------------------------


def test_hub_section_shows_headline_numbers(lead_client, rollups):
    response = lead_client.get(reverse("cityux_hub:department", args=["public-works"]))
    html = response.content.decode()
    assert "Frustration" in html
    summary = response.context["summary"]
    assert (summary["sessions"], summary["frustrated_sessions"]) == (140, 56)
    assert summary["ux_score"] == 60
    assert summary["signals"] == 56
    assert '<dd class="cityux-headline__number">140</dd>' in html
    assert '<dd class="cityux-headline__number">60%</dd>' in html


def test_hub_section_covers_only_the_departments_shown(lead_client, rollups):
    response = lead_client.get(reverse("cityux_hub:overview"))
    assert response.context["summary"]["sessions"] == 140
    assert "/police/" not in response.content.decode()


def test_hub_section_links_to_the_full_reports_of_its_department(lead_client, rollups, works):
    response = lead_client.get(
        reverse("cityux_hub:department", args=["public-works"]),
        {"from": ago(6).isoformat(), "to": ago(0).isoformat()},
    )
    links = response.context["see_all"]
    assert f"department={works.pk}" in links["pages"]
    assert f"date_from={ago(6).isoformat()}" in links["elements"]
    assert response.context["summary"]["sessions"] == 70


def test_hub_section_lists_top_pages_elements_and_errors(lead_client, rollups):
    context = lead_client.get(reverse("cityux_hub:overview")).context
    assert [row["url"] for row in context["top_pages"]] == ["/works/pothole/"]
    # Equal counts: the kind's name breaks the tie.
    assert [row["kind"] for row in context["top_elements"]] == ["error_click", "rage_click"]
    assert [row["detail"] for row in context["top_errors"]] == [WORKS_ERROR]


def test_week_over_week_change_compares_the_last_7_days_with_the_7_before(works):
    add_department_days(works, range(7), sessions=10, frustrated_sessions=2, rage_click=3)
    add_department_days(works, range(7, 14), sessions=10, frustrated_sessions=5, rage_click=2)
    summary = reports.summarise(DepartmentDailyStats.objects.all(), DateRange.last_days())
    rage = next(kind for kind in summary.kinds() if kind.kind == SignalKind.RAGE_CLICK)
    assert (rage.count, rage.recent, rage.before, rage.change) == (35, 21, 14, 50)
    assert summary.period["sessions"] == 140
    shown = summary_context(summary)
    assert shown["frustrated_change"]["text"] == "down 60% on the week before"  # 14 after 35
    assert shown["frustrated_change"]["tone"] == "better"
    assert shown["ux_score_change"]["text"] == "up 30 points on the week before"  # 80 after 50
    assert shown["kinds"][0]["change"]["tone"] == "worse"


def test_week_over_week_change_of_something_new_or_absent(works):
    add_department_days(works, range(7), sessions=10, dead_click=1)
    shown = summary_context(
        reports.summarise(DepartmentDailyStats.objects.all(), DateRange.last_days())
    )
    changes = {item["summary"].kind: item["change"]["text"] for item in shown["kinds"]}
    assert changes["dead_click"] == "new: none the week before"
    assert changes["rage_click"] == "none, nor the week before"
    assert shown["ux_score_change"]["text"] == "too few visits to compare"


@pytest.mark.parametrize(
    "current, previous, change", [(15, 10, 50), (5, 10, -50), (7, 7, 0), (3, 0, None)]
)
def test_change_percent(current, previous, change):
    assert reports.change_percent(current, previous) == change


def test_ux_score_is_the_share_of_sessions_without_frustration():
    assert reports.ux_score(200, 50) == 75
    assert reports.ux_score(0, 0) is None


def test_signals_per_day_fills_days_without_data_with_zeros(works):
    add_department_days(works, [1], sessions=4, rage_click=2)
    days = reports.signals_per_day(DepartmentDailyStats.objects.all(), DateRange(ago(2), ago(0)))
    assert [day["total_rage_click"] for day in days] == [0, 2, 0]
    assert [day["total_signals"] for day in days] == [0, 2, 0]


def test_reports_appear_in_the_city_ux_menu_of_a_lead(lead_client):
    html = lead_client.get(reverse("wagtailadmin_home")).content.decode()
    for name in REPORTS:
        assert report_url(name) in html


# -- links to the replays --------------------------------------------------------------------

# The replay list's query parameters, in the order the links write them (the contract with
# the replay list of `cityux_analytics.replay`).
REPLAY_CONTRACT = ("department", "page", "element", "error", "kind", "date_from", "date_to")


def _stand_in_replay_list(request):
    return HttpResponse("replays")


@pytest.fixture
def replay_list(settings):
    """The URL of the admin replay list; a stand-in route while the replay list is missing."""
    try:
        return reverse("cityux_replays:list")
    except NoReverseMatch:
        urlconf = types.ModuleType("replay_list_urls")
        stand_in = [path("", _stand_in_replay_list, name="list")]
        urlconf.urlpatterns = [
            path("admin/cityux/replay-list/", include((stand_in, "cityux_replays"))),
            *project_urls.urlpatterns,
        ]
        settings.ROOT_URLCONF = urlconf
        return reverse("cityux_replays:list")


def replay_href(**filters):
    """The link the contract asks for: the list's URL and the non-empty filters, in order."""
    query = [(name, filters[name]) for name in REPLAY_CONTRACT if filters.get(name)]
    return f"{reverse('cityux_replays:list')}?{urlencode(query)}"


def default_dates():
    return {"date_from": ago(27).isoformat(), "date_to": ago(0).isoformat()}


def test_replay_link_writes_the_contracts_query_string(replay_list):
    link = reports.replay_link(
        DateRange(datetime.date(2026, 3, 1), datetime.date(2026, 3, 7)),
        kind="rage_click",
        element="form#licence button[type=submit]",
        page=12,
        department=3,
        error="",
    )
    assert link == (
        f"{replay_list}?department=3&page=12&element=form%23licence+button%5Btype%3Dsubmit%5D"
        "&kind=rage_click&date_from=2026-03-01&date_to=2026-03-07"
    )


def test_replay_link_refuses_an_unknown_filter(replay_list):
    with pytest.raises(TypeError):
        reports.replay_link(selector="button")


def test_no_replay_link_without_a_replay_list(settings):
    urlconf = types.ModuleType("no_replay_urls")
    urlconf.urlpatterns = []
    settings.ROOT_URLCONF = urlconf
    assert reports.replay_link(department=1) is None


def test_pages_report_rows_link_to_their_sessions(
    lead_client, rollups, replay_list, works, pothole
):
    html = lead_client.get(report_url("pages")).content.decode()
    href = replay_href(department=works.pk, page=pothole.pk, **default_dates())
    assert f'href="{escape(href)}"' in html
    assert "Watch sessions" in html


def test_pages_report_export_has_no_replay_column(lead_client, rollups, replay_list):
    [row] = csv_rows(lead_client.get(report_url("pages"), {"export": "csv"}))
    assert "Replays" not in row


def test_elements_report_rows_link_to_their_sessions(
    lead_client, rollups, replay_list, works, pothole
):
    html = lead_client.get(report_url("elements")).content.decode()
    common = {"department": works.pk, "page": pothole.pk, "element": "button.pothole-submit"}
    rage = replay_href(**common, kind="rage_click", **default_dates())
    # An element row sums every error its clicks hit: it links to the element's error clicks.
    error_clicks = replay_href(**common, kind="error_click", **default_dates())
    assert escape(rage) in html
    assert escape(error_clicks) in html


def test_errors_report_rows_link_to_the_sessions_that_hit_the_error(
    lead_client, rollups, replay_list, works
):
    html = lead_client.get(report_url("errors")).content.decode()
    assert escape(replay_href(error=WORKS_ERROR, kind="error_click", **default_dates())) in html
    narrowed = lead_client.get(report_url("errors"), {"department": works.pk}).content.decode()
    href = replay_href(department=works.pk, error=WORKS_ERROR, kind="error_click")
    assert escape(href.split("&date_from")[0]) in narrowed


def test_replay_links_follow_the_reports_dates(lead_client, rollups, replay_list, works, pothole):
    dates = {"date_from": ago(6).isoformat(), "date_to": ago(1).isoformat()}
    html = lead_client.get(report_url("pages"), dates).content.decode()
    assert escape(replay_href(department=works.pk, page=pothole.pk, **dates)) in html


def test_page_ux_report_links_to_the_pages_sessions(
    lead_client, rollups, replay_list, works, pothole
):
    html = lead_client.get(page_report(pothole)).content.decode()
    page = {"department": works.pk, "page": pothole.pk}
    assert escape(replay_href(**page, **default_dates())) in html
    element = replay_href(
        **page, element="button.pothole-submit", kind="rage_click", **default_dates()
    )
    assert escape(element) in html
    error = replay_href(
        **page,
        element="button.pothole-submit",
        error=WORKS_ERROR,
        kind="error_click",
        **default_dates(),
    )
    assert escape(error) in html


def test_hub_top_lists_link_to_their_sessions(lead_client, rollups, replay_list, works, pothole):
    response = lead_client.get(reverse("cityux_hub:department", args=["public-works"]))
    context = response.context
    page = {"department": works.pk, "page": pothole.pk}
    assert context["top_pages"][0]["replay_url"] == replay_href(**page, **default_dates())
    rage = next(row for row in context["top_elements"] if row["kind"] == "rage_click")
    assert rage["replay_url"] == replay_href(
        **page, element="button.pothole-submit", kind="rage_click", **default_dates()
    )
    assert context["top_errors"][0]["replay_url"] == replay_href(
        department=works.pk, error=WORKS_ERROR, kind="error_click", **default_dates()
    )
    assert escape(context["top_pages"][0]["replay_url"]) in response.content.decode()


# -- insights in plain words -----------------------------------------------------------------


def test_hub_department_page_says_when_no_change_is_significant(lead_client, rollups):
    html = lead_client.get(reverse("cityux_hub:department", args=["public-works"])).content
    html = html.decode()
    assert "What changed this week" in html
    assert "No statement this week: no change is larger than chance would explain." in html


def test_page_ux_report_says_when_there_is_not_enough_data(lead_client, works, pothole):
    add_page_days(pothole, "/works/pothole/", works, range(14), sessions=2, rage_click=1)
    html = lead_client.get(page_report(pothole)).content.decode()
    assert "No statement this week: not enough data." in html


def test_a_rise_is_stated_on_the_hub_and_the_page_report(lead_client, works, pothole):
    add_department_days(works, range(14), sessions=60)
    add_page_days(pothole, "/works/pothole/", works, range(7), sessions=60, rage_click=15)
    add_page_days(pothole, "/works/pothole/", works, range(7, 14), sessions=60, rage_click=4)
    statement = "Rage clicks on Report a pothole rose from 28 to 105 this week."
    hub = lead_client.get(reverse("cityux_hub:department", args=["public-works"]))
    assert statement in hub.content.decode()
    assert [item["text"] for item in hub.context["insights"]["items"]] == [statement]
    assert statement in lead_client.get(page_report(pothole)).content.decode()


def test_overview_of_several_departments_points_to_their_insights(client, rollups, make_lead):
    client.force_login(
        make_lead(*Department.objects.filter(slug__in=["public-works", "police"]), username="two")
    )
    response = client.get(reverse("cityux_hub:overview"))
    assert response.context["insights"] is None
    assert "Open a department to read, in plain words" in response.content.decode()


def test_each_statement_links_to_the_weeks_sessions(lead_client, replay_list, works, pothole):
    add_department_days(works, range(14), sessions=60)
    add_page_days(pothole, "/works/pothole/", works, range(7), sessions=60, rage_click=15)
    add_page_days(pothole, "/works/pothole/", works, range(7, 14), sessions=60, rage_click=4)
    hub = lead_client.get(reverse("cityux_hub:department", args=["public-works"]))
    [item] = hub.context["insights"]["items"]
    week = {"date_from": ago(6).isoformat(), "date_to": ago(0).isoformat()}
    assert item["replay_url"] == replay_href(
        department=works.pk, page=pothole.pk, kind="rage_click", **week
    )
    assert escape(item["replay_url"]) in hub.content.decode()
