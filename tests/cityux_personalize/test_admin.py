"""Segments in the admin: each lead sees and opens their own department's, exports work."""

import json

from cityux.models import Department
from cityux_personalize.models import Segment


def make_segment(name, department):
    segment = Segment(name=name, department=department, rules=json.dumps([]))
    segment.save()
    segment.save_revision().publish()
    return segment


def test_lead_sees_own_departments_segments_only_not_city_wide_ones(city, make_lead, client):
    parks = Department.objects.get(slug="parks-recreation")
    police = Department.objects.get(slug="police")
    lead = make_lead(parks)
    lead.user_permissions.add(*_segment_permissions())
    make_segment("Park lovers", parks)
    make_segment("Night owls", police)
    make_segment("Everyone returning", None)
    client.force_login(lead)
    response = client.get("/admin/snippets/cityux_personalize/segment/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Park lovers" in html
    # A segment without a department is city-wide: managed by city-wide staff only.
    assert "Everyone returning" not in html
    assert "Night owls" not in html


def test_lead_cannot_open_another_departments_segment(city, make_lead, client):
    parks = Department.objects.get(slug="parks-recreation")
    police = Department.objects.get(slug="police")
    lead = make_lead(parks)
    lead.user_permissions.add(*_segment_permissions())
    own = make_segment("Park lovers", parks)
    other = make_segment("Night owls", police)
    client.force_login(lead)
    edit = "/admin/snippets/cityux_personalize/segment/edit/{}/"
    assert client.get(edit.format(own.pk)).status_code == 200
    response = client.get(edit.format(other.pk))
    # The one 403 page of the department-scoped admin, never a redirect to the dashboard.
    assert response.status_code == 403
    assert "Night owls" not in response.content.decode()


def test_segments_export_as_csv(city, admin_client):
    make_segment("Park lovers", Department.objects.get(slug="parks-recreation"))
    response = admin_client.get("/admin/snippets/cityux_personalize/segment/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Park lovers" in body


def test_segment_preview_lists_its_rules_in_plain_words(city, admin_client):
    segment = Segment(
        name="Returning",
        rules=json.dumps([{"type": "visit_count", "value": {"operator": "gte", "count": 2}}]),
    )
    segment.save()
    html = segment.make_preview_request(None, "").content.decode()
    assert "You have visited our website at least 2 times." in html


def _segment_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="cityux_personalize",
        codename__in=["add_segment", "change_segment", "view_segment"],
    ) | Permission.objects.filter(codename="access_admin")
