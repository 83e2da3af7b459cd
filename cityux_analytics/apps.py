from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityUXAnalyticsConfig(AppConfig):
    name = "cityux_analytics"
    label = "cityux_analytics"
    verbose_name = _("CityUX frustration analytics")
    default_auto_field = "django.db.models.BigAutoField"
