"""Posts no rule or model routed to a department belong to city-wide staff (issue 19).

`decisions.may_act_on` gives such a post to users who see every department (superusers and the
city-wide permission, `cityux.access.sees_every_department`); a department lead neither sees nor
decides it until someone routes it to their department.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cityux.models import Department
from cityux_social import decisions
from cityux_social.models import SocialPost

UNROUTED_TEXT = "Streetlight out at Juniper and 9th, very dark at night"


@pytest.fixture
def unrouted_post(file_source):
    """A post waiting for review that no rule or model gave a type or a department."""
    return SocialPost.objects.create(
        source=file_source,
        external_id="unrouted-1",
        author_handle="@ana",
        text=UNROUTED_TEXT,
        status=SocialPost.Status.NEEDS_REVIEW,
    )


@pytest.fixture
def works_lead(city, make_lead):
    """The Public Works lead, with access to the Wagtail admin as every lead has."""
    lead = make_lead(Department.objects.get(slug="public-works"), username="works")
    lead.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return lead


def _status(post):
    post.refresh_from_db()
    return post.status


def test_a_lead_may_not_act_on_a_post_without_department(works_lead, unrouted_post):
    assert not decisions.may_act_on(works_lead, unrouted_post)


def test_city_wide_staff_and_superusers_may_act_on_a_post_without_department(
    city_wide_analyst, admin_user, unrouted_post
):
    assert decisions.may_act_on(city_wide_analyst, unrouted_post)
    assert decisions.may_act_on(admin_user, unrouted_post)


def test_a_lead_cannot_dismiss_assign_or_flag_a_post_without_department(works_lead, unrouted_post):
    with pytest.raises(PermissionDenied):
        decisions.dismiss(unrouted_post, works_lead, "Spam or abuse")
    with pytest.raises(PermissionDenied):
        decisions.assign(unrouted_post, works_lead, works_lead)
    with pytest.raises(PermissionDenied):
        decisions.set_do_not_contact(unrouted_post, works_lead, True)
    unrouted_post.refresh_from_db()
    assert unrouted_post.status == SocialPost.Status.NEEDS_REVIEW
    assert unrouted_post.assigned_to is None and not unrouted_post.do_not_contact


def test_city_wide_staff_may_dismiss_a_post_without_department(city_wide_analyst, unrouted_post):
    decisions.dismiss(unrouted_post, city_wide_analyst, "Not for the city")
    assert _status(unrouted_post) == SocialPost.Status.DISMISSED


def test_a_post_without_department_cannot_be_assigned_to_a_lead(
    city_wide_analyst, works_lead, unrouted_post
):
    with pytest.raises(ValidationError, match="cannot see posts"):
        decisions.assign(unrouted_post, city_wide_analyst, works_lead)
    unrouted_post.refresh_from_db()
    assert unrouted_post.assigned_to is None


def test_bulk_dismiss_by_a_lead_skips_a_post_without_department(works_lead, unrouted_post):
    result = decisions.bulk_dismiss([unrouted_post], works_lead, "Spam or abuse")
    assert result.done == []
    assert result.skipped == [(unrouted_post, "not your department")]
    assert _status(unrouted_post) == SocialPost.Status.NEEDS_REVIEW


def test_a_lead_gets_403_opening_or_dismissing_a_post_without_department(
    client, works_lead, unrouted_post
):
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[unrouted_post.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"action": "dismiss", "reason": "Spam or abuse"})
    assert response.status_code == 403
    assert _status(unrouted_post) == SocialPost.Status.NEEDS_REVIEW


def test_the_inbox_lists_a_post_without_department_for_city_wide_staff_only(
    client, works_lead, city_wide_analyst, unrouted_post
):
    client.force_login(works_lead)
    assert UNROUTED_TEXT not in client.get(reverse("cityux_social_inbox:index")).content.decode()
    client.force_login(city_wide_analyst)
    assert UNROUTED_TEXT in client.get(reverse("cityux_social_inbox:index")).content.decode()
