import csv
import io

import pytest
from django.urls import reverse
from wagtail.models import Page

from cityux.hub import HubSection, register_section, sections
from cityux.models import Department, DepartmentRootPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def works_pages(city):
    root = Page.get_first_root_node()
    section = root.add_child(instance=Page(title="Public Works section", slug="works"))
    section.add_child(instance=Page(title="Report a pothole", slug="pothole"))
    works = Department.objects.get(slug="public-works")
    DepartmentRootPage.objects.create(department=works, page=section)
    return works


@pytest.fixture
def lead_client(client, city, make_lead):
    works = Department.objects.get(slug="public-works")
    parks = Department.objects.get(slug="parks-recreation")
    client.force_login(make_lead(works, parks))
    return client


def _hub(slug):
    return reverse("cityux_hub:department", args=[slug])


def test_lead_overview_lists_only_their_departments(lead_client):
    response = lead_client.get(reverse("cityux_hub:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Public Works" in html and "Parks and Recreation" in html
    assert "Police" not in html and "City Attorney" not in html


def test_lead_opening_another_departments_hub_page_gets_403(lead_client):
    assert lead_client.get(_hub("police")).status_code == 403


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_lead_cannot_export_another_departments_report(lead_client, export):
    assert lead_client.get(_hub("police"), {"export": export}).status_code == 403


def test_lead_cannot_load_another_departments_results_fragment(lead_client):
    url = reverse("cityux_hub:department_results", args=["police"])
    assert lead_client.get(url).status_code == 403


def test_lead_exports_their_departments_pages_as_csv(lead_client, works_pages):
    response = lead_client.get(_hub("public-works"), {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["Page"] for row in rows] == ["Public Works section", "Report a pothole"]


def test_lead_exports_the_overview_as_xlsx(lead_client):
    from openpyxl import load_workbook

    response = lead_client.get(reverse("cityux_hub:overview"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Parks and Recreation", "Public Works"]


def test_superuser_overview_lists_all_22_departments(client, city, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("cityux_hub:overview"), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 22


def test_user_without_a_department_is_refused_the_hub(client, city, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user(username="editor", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    response = client.get(reverse("cityux_hub:overview"))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "login" not in response.url


def test_anonymous_visitor_is_sent_to_log_in(client, city):
    response = client.get(reverse("cityux_hub:overview"))
    assert response.status_code == 302 and "login" in response.url


def test_hub_shows_a_section_of_every_feature_app(lead_client):
    html = lead_client.get(reverse("cityux_hub:overview")).content.decode()
    for title in (
        "Frustration",
        "Sessions worth watching",
        "Personalisation value",
        "Social inbox",
    ):
        assert f">{title}</h2>" in html
    assert 'id="cityux-more-sections"' not in html


def test_hub_names_a_feature_app_that_adds_no_section(lead_client, monkeypatch):
    from cityux import hub

    without_social = {k: v for k, v in hub._sections.items() if v.app_label != "cityux_social"}
    monkeypatch.setattr(hub, "_sections", without_social)
    html = lead_client.get(reverse("cityux_hub:overview")).content.decode()
    aside = html.split('id="cityux-more-sections"')[1].split("</aside>")[0]
    assert "<code>cityux_social</code>" in aside
    assert "cityux_analytics" not in aside and "cityux_personalize" not in aside


def test_registered_section_renders_for_the_departments_shown(lead_client, tmp_path, settings):
    (tmp_path / "hub_test_section.html").write_text(
        "<p>Departments here: {% for d in departments %}{{ d.slug }};{% endfor %}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    section = HubSection(
        app_label="cityux", title="Test section", template_name="hub_test_section.html"
    )
    register_section(section)
    try:
        overview = lead_client.get(reverse("cityux_hub:overview")).content.decode()
        page = lead_client.get(_hub("public-works")).content.decode()
    finally:
        from cityux import hub

        hub._sections.pop("cityux:Test section")
    assert "Departments here: parks-recreation;public-works;" in overview
    assert "Departments here: public-works;</p>" in page
    assert section not in sections()


def test_city_ux_menu_is_shown_to_a_lead(lead_client):
    html = lead_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "City UX" in html and reverse("cityux_hub:overview") in html


def test_department_admin_listing_is_scoped_for_a_lead(lead_client):
    response = lead_client.get(reverse("cityux_departments:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Public Works" in html and "Police" not in html


def test_lead_cannot_inspect_or_edit_another_department(lead_client):
    police = Department.objects.get(slug="police")
    for view in ("inspect", "edit"):
        url = reverse(f"cityux_departments:{view}", args=[police.pk])
        response = lead_client.get(url)
        assert response.status_code in (302, 403, 404)
        assert "non-emergency reports" not in response.content.decode()


def test_lead_can_inspect_their_own_department(lead_client):
    works = Department.objects.get(slug="public-works")
    response = lead_client.get(reverse("cityux_departments:inspect", args=[works.pk]))
    assert response.status_code == 200
    assert "Streets, potholes" in response.content.decode()
