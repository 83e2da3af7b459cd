from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
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
        from .groups import grant_department_work, grant_lead_group_work
        from .models import Department

        register_permission_policy(Department, DepartmentPermissionPolicy(Department))
        from .mydata import register_core_tables

        register_core_tables()
        # After every app's migrations, so each app's permissions exist when granted.
        post_migrate.connect(grant_department_work, dispatch_uid="cityux-department-work")
        post_save.connect(grant_lead_group_work, sender=Department, dispatch_uid="cityux-lead-work")
