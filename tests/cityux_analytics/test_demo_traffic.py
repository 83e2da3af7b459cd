import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page, Site

from cityux.models import Department, DepartmentRootPage
from cityux_analytics.demo import generate_demo_traffic
from cityux_analytics.models import DepartmentDailyStats, ElementDailyStats, TrackedSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def story_pages(city):
    home = Site.objects.get(is_default_site=True).root_page
    for slug, child in [
        ("public-works", "report-a-pothole"),
        ("utilities-water", "pay-your-water-bill"),
    ]:
        section = home.add_child(instance=Page(title=slug, slug=slug))
        section.add_child(instance=Page(title=child, slug=child))
        DepartmentRootPage.objects.create(
            department=Department.objects.get(slug=slug), page=section
        )


def test_demo_traffic_tells_the_broken_button_story_in_the_rollups(story_pages):
    now = timezone.make_aware(datetime.datetime(2026, 11, 20, 12))
    visits = generate_demo_traffic(days=7, sessions_per_day=20, now=now)
    assert visits == TrackedSession.objects.count() > 50
    works = DepartmentDailyStats.objects.filter(department__slug="public-works").aggregate(
        rage=Sum("rage_click"), errors=Sum("error_click")
    )
    assert works["rage"] > 0 and works["errors"] > 0
    error = ElementDailyStats.objects.filter(kind="error_click").first()
    assert "TypeError: Cannot read properties of undefined" in error.detail


def test_demo_traffic_is_generated_once(story_pages):
    now = timezone.make_aware(datetime.datetime(2026, 11, 20, 12))
    first = generate_demo_traffic(days=2, sessions_per_day=5, now=now)
    assert generate_demo_traffic(days=2, sessions_per_day=5, now=now) == 0
    assert TrackedSession.objects.count() == first
