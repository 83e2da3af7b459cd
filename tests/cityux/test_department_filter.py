"""The listings' department filter (`cityux.admin.department_filterset`): a lead is offered only
their departments, and another department's id in the URL lists none of its rows."""

import json

import pytest
from django.contrib.auth.models import Permission

from cityux.models import Department
from cityux_analytics.surveys.models import Survey
from cityux_personalize.models import Segment

LISTINGS = {
    "survey": ("/admin/snippets/cityux_analytics/survey/", "cityux_analytics"),
    "segment": ("/admin/snippets/cityux_personalize/segment/", "cityux_personalize"),
}


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def parks(city):
    return Department.objects.get(slug="parks-recreation")


def make_rows(kind, works, parks):
    if kind == "survey":
        Survey.objects.create(title="Pothole survey", department=works, live=False)
        Survey.objects.create(title="Summer camp survey", department=parks, live=False)
    else:
        Segment.objects.create(name="Pothole reporters", department=works, rules=json.dumps([]))
        Segment.objects.create(name="Summer camp parents", department=parks, rules=json.dumps([]))


@pytest.fixture
def lead_client(client, make_lead, works):
    user = make_lead(works)
    apps = [app for _, app in LISTINGS.values()]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=apps))
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", sorted(LISTINGS))
def test_the_department_filter_offers_only_the_leads_departments(kind, lead_client, works, parks):
    make_rows(kind, works, parks)
    response = lead_client.get(LISTINGS[kind][0])
    assert response.status_code == 200
    choices = response.context["filters"].form.fields["department"].queryset
    assert list(choices) == [works]
    html = response.content.decode()
    assert "Pothole" in html and "Summer camp" not in html and parks.name not in html


@pytest.mark.parametrize("kind", sorted(LISTINGS))
def test_another_departments_id_in_the_filter_lists_none_of_its_rows(
    kind, lead_client, works, parks
):
    make_rows(kind, works, parks)
    response = lead_client.get(LISTINGS[kind][0], {"department": parks.pk})
    assert response.status_code == 200
    assert "department" in response.context["filters"].form.errors
    assert "Summer camp" not in response.content.decode()
