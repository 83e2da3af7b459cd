"""System checks that tell a city's IT team, in plain words, what is missing."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_consent_gate(app_configs, **kwargs):
    problems = []
    if not apps.is_installed("cookie_consent"):
        problems.append(
            Error(
                "CityUX needs django-cookie-consent for its consent gate.",
                hint='Add "cookie_consent" to INSTALLED_APPS and run migrate.',
                id="cityux.E001",
            )
        )
    if "cookie_consent.middleware.CleanCookiesMiddleware" not in settings.MIDDLEWARE:
        problems.append(
            Warning(
                "Cookies of declined consent groups are not cleaned up.",
                hint='Add "cookie_consent.middleware.CleanCookiesMiddleware" to MIDDLEWARE.',
                id="cityux.W001",
            )
        )
    return problems


@register()
def check_request_context(app_configs, **kwargs):
    processors = [
        p
        for engine in settings.TEMPLATES
        for p in engine.get("OPTIONS", {}).get("context_processors", [])
    ]
    if "django.template.context_processors.request" not in processors:
        return [
            Error(
                "The consent banner and {% ifconsent %} need the request in template context.",
                hint='Add "django.template.context_processors.request" to context_processors.',
                id="cityux.E002",
            )
        ]
    return []
