from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityUXConfig(AppConfig):
    name = "cityux"
    label = "cityux"
    verbose_name = _("CityUX core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import checks, signals  # noqa: F401
        from .access import DepartmentPermissionPolicy
        from .models import Department

        register_permission_policy(Department, DepartmentPermissionPolicy(Department))
        from .mydata import register_core_tables

        register_core_tables()
