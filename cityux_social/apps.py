from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityUXSocialConfig(AppConfig):
    name = "cityux_social"
    label = "cityux_social"
    verbose_name = _("CityUX social inbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, mydata  # noqa: F401  (system checks; the data map)
