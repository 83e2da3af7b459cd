"""Searching a department-scoped admin listing works on every database and finds only what the
user may see."""

import pytest
from django.test import Client

from cityux.models import Department
from cityux_personalize.models import Goal, Segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments(city):
    works, parks = Department.objects.order_by("name")[:2]
    return works, parks


@pytest.mark.parametrize(
    ("url", "make"),
    [
        (
            "/admin/snippets/cityux_personalize/segment/",
            lambda name, dept: Segment.objects.create(name=name, department=dept),
        ),
        (
            "/admin/snippets/cityux_personalize/goal/",
            lambda name, dept: Goal.objects.create(name=name, department=dept),
        ),
    ],
)
def test_a_search_finds_the_match_and_nothing_else(admin_user, two_departments, url, make):
    works, parks = two_departments
    make("Returning residents", works)
    make("Dog owners", parks)
    client = Client()
    client.force_login(admin_user)
    response = client.get(url, {"q": "return"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Returning residents" in text and "Dog owners" not in text


def test_a_lead_s_search_never_finds_another_department_s_segment(make_lead, two_departments):
    works, parks = two_departments
    Segment.objects.create(name="Returning residents", department=works)
    Segment.objects.create(name="Returning dog owners", department=parks)
    client = Client()
    client.force_login(make_lead(works))
    response = client.get("/admin/snippets/cityux_personalize/segment/", {"q": "returning"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Returning residents" in text and "Returning dog owners" not in text
