"""Every admin integration of the CityUX core: the "City UX" menu, the hub and its screens."""

from django.apps import apps
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_urls
from .admin import DepartmentMenuItem, DepartmentScopedDeleteBulkAction
from .viewsets import MENU_HOOK, CityUXMenu, DepartmentViewSet


@hooks.register("register_admin_urls")
def register_hub_urls():
    return [path("cityux/", include(admin_urls, namespace="cityux_hub"))]


@hooks.register("register_admin_viewset")
def register_cityux_menu():
    return CityUXMenu()


@hooks.register("register_admin_viewset")
def register_department_viewset():
    return DepartmentViewSet()


@hooks.register("register_admin_viewset")
def register_consent_group_viewset():
    if not apps.is_installed("cookie_consent"):
        return []  # the system check cityux.E001 says what is missing
    from .consent_viewset import ConsentGroupViewSet

    return ConsentGroupViewSet()


@hooks.register(MENU_HOOK)
def register_hub_menu_item():
    return DepartmentMenuItem(
        _("Department reports"),
        reverse("cityux_hub:overview"),
        name="cityux-hub",
        icon_name="view",
        order=100,
    )


# After Wagtail's own snippet delete action, so that ours answers for department-scoped models.
hooks.register("register_bulk_action", DepartmentScopedDeleteBulkAction, order=100)
