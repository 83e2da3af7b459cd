from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitySiteConfig(AppConfig):
    name = "cityux.site"
    label = "cityux_site"
    verbose_name = _("Reference city site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The reference project's Celery app: shared tasks of every CityUX app bind to it.
        from cityux.site.celery_app import app  # noqa: F401
