"""WCAG 2.2 AA, as axe-core checks it, on every resident-facing page and widget and on every
CityUX admin report, on a desktop (1280 px) and a phone (375 px).

The admin reports are found by following the links of the City UX hub, so a new report is
checked without editing this test. Wagtail's own chrome (the sidebar) is not ours: the admin
check covers the page's `main`.
"""

from urllib.parse import urlsplit

import pytest

from cityux.models import Department
from cityux.site.demo_content import LICENCE_FORM_SLUG
from cityux.site.models import FormPage
from cityux_analytics.surveys.models import Survey
from tests.e2e.helpers import WCAG22AA, accept_all, axe_violations, log_in, resize

pytestmark = pytest.mark.django_db(transaction=True)

POTHOLE = "/public-works/report-a-pothole/"
WIDTHS = {"desktop": 1280, "phone": 375}
# Links of the hub that change something or download a file rather than show a report.
NOT_A_REPORT = ("delete", "export", "download", "/add/", "/edit/", "/copy/", "logout")


@pytest.fixture
def report_a_problem(city_site):
    """The survey behind the pothole page's "Report a problem with this page" button."""
    survey = Survey(
        title="Report a problem with this page",
        department=Department.objects.get(slug="public-works"),
        trigger="manual",
        is_report_problem=True,
        url_patterns=POTHOLE,
        questions=[
            ("rating", {"label": "How easy was this page to use?", "required": True}),
            ("short_text", {"label": "What went wrong?", "max_length": 500, "help": ""}),
        ],
        live=False,
    )
    survey.save()
    survey.save_revision().publish()
    return survey


def viewport(width):
    return {"width": width, "height": 900 if width > 600 else 740}


def check(page, label, selector="body"):
    found = axe_violations(page, selector, tags=WCAG22AA)
    return [(label, rule, targets) for rule, targets in found]


@pytest.mark.parametrize("device", WIDTHS)
def test_resident_pages_and_widgets_meet_wcag_2_2_aa(
    city_site, report_a_problem, new_context, device
):
    page = new_context(viewport=viewport(WIDTHS[device])).new_page()
    problems = []

    page.goto(city_site.url + POTHOLE)
    page.get_by_role("button", name="Accept all").wait_for()
    problems += check(page, "pothole page with the consent banner")
    accept_all(page)
    problems += check(page, "pothole page after consent")

    page.locator("[data-cityux-report-problem]").click()
    page.get_by_role("dialog").wait_for()
    problems += check(page, "the 'Report a problem' survey")

    licence = FormPage.objects.get(slug=LICENCE_FORM_SLUG)
    page.goto(city_site.url + licence.url)
    page.get_by_label("Business name").fill("Corner Bakery")
    page.locator("[data-cityux-resume]").wait_for()
    problems += check(page, "licence form with the resume panel")

    for path, label in (
        ("/cityux/resume/", "resume on another device"),
        ("/cityux/my-data/", "My data"),
        ("/cityux/cookies/", "cookie settings"),
        ("/", "home page"),
    ):
        page.goto(city_site.url + path)
        problems += check(page, label)

    assert problems == []


def hub_reports(page, base_url):
    """The admin pages the hub links to, each once (the query string dropped)."""
    page.goto(base_url + "/admin/cityux/")
    hrefs = page.eval_on_selector_all(
        "main a[href^='/admin/cityux/']", "links => links.map(a => a.getAttribute('href'))"
    )
    reports = {"/admin/cityux/"}
    for href in hrefs:
        path = urlsplit(href).path
        if not any(word in path for word in NOT_A_REPORT):
            reports.add(path)
    return sorted(reports)


def test_every_city_ux_admin_report_meets_wcag_2_2_aa_on_a_desktop_and_a_phone(
    city_site, new_context
):
    """Each report is opened once and checked at every width: resizing is far cheaper than
    loading the report again."""
    page = new_context(viewport=viewport(WIDTHS["desktop"])).new_page()
    log_in(page, city_site.url, "admin")
    reports = hub_reports(page, city_site.url)
    assert len(reports) >= 5, reports  # the hub links its reports
    problems = []
    for path in reports:
        page.set_viewport_size(viewport(WIDTHS["desktop"]))
        response = page.goto(city_site.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        for device, width in WIDTHS.items():
            resize(page, viewport(width))
            problems += check(page, f"{path} at {width} px ({device})", "main")
    assert problems == []
