"""Edges of the access policy that mutation testing found untested (issue 19)."""

from cityux.access import (
    DepartmentPermissionPolicy,
    can_see_department,
    departments_for_user,
    visible_department_ids,
)
from cityux.models import Department


def test_no_user_at_all_sees_no_department(city):
    """Background work without a request (a task, a command) passes no user."""
    assert list(departments_for_user(None)) == []


def test_a_lead_can_see_their_department_and_not_another(city, make_lead):
    works, police = (
        Department.objects.get(slug="public-works"),
        Department.objects.get(slug="police"),
    )
    lead = make_lead(works)

    assert visible_department_ids(lead) == {works.pk}
    assert can_see_department(lead, works)
    assert not can_see_department(lead, police)


def test_a_department_that_is_none_is_seen_by_nobody(city, admin_user):
    assert not can_see_department(admin_user, None)


def test_the_department_policy_lets_a_lead_view_their_department_only(city, make_lead):
    works, police = (
        Department.objects.get(slug="public-works"),
        Department.objects.get(slug="police"),
    )
    lead = make_lead(works)
    policy = DepartmentPermissionPolicy(Department)

    assert policy.user_has_permission(lead, "view")
    assert policy.user_has_permission_for_instance(lead, "view", works)
    assert not policy.user_has_permission_for_instance(lead, "view", police)
    assert list(policy.instances_user_has_permission_for(lead, "view")) == [works]


def test_the_department_policy_needs_model_permissions_to_change_departments(city, make_lead):
    works = Department.objects.get(slug="public-works")
    lead = make_lead(works)
    policy = DepartmentPermissionPolicy(Department)

    assert not policy.user_has_permission(lead, "change")
    assert not policy.user_has_permission_for_instance(lead, "change", works)
    assert not policy.instances_user_has_permission_for(lead, "change").exists()
