from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitySiteConfig(AppConfig):
    name = "cityux.site"
    label = "cityux_site"
    verbose_name = _("Reference city site")
    default_auto_field = "django.db.models.BigAutoField"
