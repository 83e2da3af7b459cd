"""Who may see what: the one place that answers "which departments may this user see"."""

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Department

CITY_WIDE_GROUP = "City-wide analysts"
VIEW_ALL_PERMISSION = "cityux.view_all_departments"


def sees_every_department(user):
    """Superusers and holders of the city-wide permission see every department."""
    return bool(
        user.is_active
        and user.is_authenticated
        and (user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION))
    )


def departments_for_user(user):
    """The departments whose reports, listings and exports `user` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    if sees_every_department(user):
        return Department.objects.all()
    return Department.objects.filter(lead_group__user=user)


def visible_department_ids(user):
    """The ids of departments_for_user(user), computed once per user object (one request)."""
    ids = getattr(user, "_cityux_department_ids", None)
    if ids is None:
        ids = frozenset(departments_for_user(user).values_list("pk", flat=True))
        user._cityux_department_ids = ids
    return ids


def can_see_department(user, department):
    return department is not None and department.pk in visible_department_ids(user)


def require_department(user, department):
    """Raise PermissionDenied (403) unless `user` may see `department`."""
    if not can_see_department(user, department):
        raise PermissionDenied


def scope_to_user(queryset, user, department_field="department"):
    """Narrow any queryset with a department foreign key to what `user` may see."""
    if sees_every_department(user):
        return queryset
    return queryset.filter(**{f"{department_field}__in": departments_for_user(user)})


class DepartmentPermissionPolicy(ModelPermissionPolicy):
    """'view' follows departments_for_user; changing departments needs model permissions."""

    def user_has_permission(self, user, action):
        if action == "view":
            return bool(visible_department_ids(user))
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return can_see_department(user, instance)
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_permission_for(self, user, action):
        if action == "view":
            return departments_for_user(user)
        return super().instances_user_has_permission_for(user, action)
