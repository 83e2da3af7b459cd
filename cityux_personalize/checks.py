"""System checks: the profile middleware must be installed for profiles to be saved."""

from django.conf import settings
from django.core import checks

MIDDLEWARE = "cityux_personalize.middleware.VisitorProfileMiddleware"


@checks.register()
def check_middleware(app_configs, **kwargs):
    if MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        checks.Warning(
            "cityux_personalize cannot save visitor profiles or set the visitor cookie.",
            hint=f'Add "{MIDDLEWARE}" to MIDDLEWARE, after AuthenticationMiddleware.',
            id="cityux_personalize.W001",
        )
    ]
