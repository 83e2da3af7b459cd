"""Edges of the access policy that mutation testing found untested (issue 19)."""

import pytest
from django.core.exceptions import PermissionDenied

from cityux.access import (
    DepartmentPermissionPolicy,
    can_see_department,
    departments_for_user,
    require_department,
    scope_to_user,
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


def test_require_department_refuses_another_department_and_lets_the_own_one_through(
    city, make_lead
):
    works, police = (
        Department.objects.get(slug="public-works"),
        Department.objects.get(slug="police"),
    )
    lead = make_lead(works)

    assert require_department(lead, works) is None
    with pytest.raises(PermissionDenied):
        require_department(lead, police)
    with pytest.raises(PermissionDenied):
        require_department(lead, None)


def test_scope_to_user_gives_a_superuser_every_row(city, admin_user, make_lead):
    everything = Department.objects.order_by("pk")
    lead = make_lead(Department.objects.get(slug="police"))

    assert list(scope_to_user(everything, admin_user, department_field="pk")) == list(everything)
    assert [d.slug for d in scope_to_user(everything, lead, department_field="pk")] == ["police"]


def test_the_department_policy_lets_a_superuser_change_departments(city, admin_user):
    works = Department.objects.get(slug="public-works")
    policy = DepartmentPermissionPolicy(Department)

    assert policy.user_has_permission(admin_user, "change") is True
    assert policy.user_has_permission_for_instance(admin_user, "change", works) is True
    assert works in policy.instances_user_has_permission_for(admin_user, "change")
