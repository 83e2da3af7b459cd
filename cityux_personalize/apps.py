from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityUXPersonalizeConfig(AppConfig):
    name = "cityux_personalize"
    label = "cityux_personalize"
    verbose_name = _("CityUX personalisation")
    default_auto_field = "django.db.models.BigAutoField"
