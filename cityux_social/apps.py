from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityUXSocialConfig(AppConfig):
    name = "cityux_social"
    label = "cityux_social"
    verbose_name = _("CityUX social inbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cityux.admin import scope_by_department

        from . import checks, hub, mydata  # noqa: F401  (checks registers the system checks)
        from .models import ClassifierModel, RequestType, SocialPost, Source

        mydata.register_my_data()
        hub.register_sections()

        scope_by_department(RequestType)
        scope_by_department(SocialPost)
        # Sources and classifier models are city-wide configuration.
        scope_by_department(Source, department_field=None)
        scope_by_department(ClassifierModel, department_field=None)
